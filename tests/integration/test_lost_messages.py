"""A restarted in-memory broker has lost what it acknowledged; the probe tells which messages."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pcflow.stack import Stack, StackSettings, free_port, free_port_block
from shared import topics
from shared.broker import Transport
from shared.probe import TopicProbe
from shared.sent import Check, Sent
from shared.settings import CommonSettings
from tests.integration.test_delivery import uploaded

DOC_IDS = [f"{i:064x}" for i in range(1, 13)]


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[Stack]:
    """A broker of this test alone: restarting the shared one would take the others' topics."""
    stack = Stack(
        StackSettings(
            var_dir=tmp_path / "var",
            kafka_port=free_port(),
            mongo_port=free_port(),
            metrics_port_base=free_port_block(20),
        )
    )
    stack.start_broker()
    asyncio.run(stack.create_topics())
    try:
        yield stack
    finally:
        stack.down()


async def publish_all(settings: CommonSettings, doc_ids: list[str]) -> list[Sent]:
    transport = Transport(settings, "probe-test")
    await transport.broker.start()
    try:
        return [
            Sent.landed(
                doc_id,
                "1",
                await transport.publish(topics.UPLOADED, uploaded(doc_id), subject=doc_id),
            )
            for doc_id in doc_ids
        ]
    finally:
        await transport.broker.stop()


async def check(settings: CommonSettings, sent: list[Sent]) -> Check:
    async with TopicProbe(settings, topics.UPLOADED) as probe:
        return await probe.check(sent)


def test_messages_a_restarted_broker_lost_are_told_apart_from_new_ones_at_their_offsets(
    own_broker: Stack,
) -> None:
    settings = CommonSettings(
        kafka_bootstrap_servers=own_broker.settings.bootstrap,
        object_store_url=(own_broker.var / "objects").as_uri(),
    )
    before = asyncio.run(publish_all(settings, DOC_IDS))
    found = asyncio.run(check(settings, before))
    assert found.lost == []
    assert set(found.verified) == set(before)
    before = [replace(s, verified=True) for s in before]

    own_broker.kill("broker", signal.SIGKILL)
    own_broker.start_broker()
    asyncio.run(own_broker.create_topics())
    # other messages take the lost offsets again: offsets alone would say nothing was lost
    after = asyncio.run(publish_all(settings, [f"{i:064x}" for i in range(100, 124)]))
    assert {(s.partition, s.offset) for s in before} <= {(s.partition, s.offset) for s in after}

    found = asyncio.run(check(settings, before + after))
    assert set(found.lost) == set(before)
    assert set(found.verified) == set(after)
