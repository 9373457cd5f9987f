"""A service tells a restarted database from the process id the real server reports."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from pcflow.stack import Stack, StackSettings, free_port
from shared.restarts import RestartWatch, database_process

pytestmark = pytest.mark.integration


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Stack]:
    """A database of this test alone: killing the shared one would disturb the others."""
    stack = Stack(
        StackSettings(var_dir=tmp_path / "var", kafka_port=free_port(), mongo_port=free_port())
    )
    try:
        stack.start_database()
        yield stack
    finally:
        stack.down()


async def process_of(stack: Stack) -> object | None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value(), serverSelectionTimeoutMS=30_000
    )
    try:
        return await database_process(client)
    finally:
        await client.close()


def test_a_database_killed_and_started_again_is_seen_to_have_restarted(database: Stack) -> None:
    watch = RestartWatch()
    first = asyncio.run(process_of(database))
    assert first is not None
    assert not watch.restarted(first)
    assert not watch.restarted(asyncio.run(process_of(database)))

    database.kill("database", signal.SIGKILL)
    database.start_database()

    again = asyncio.run(process_of(database))
    assert watch.restarted(again)
    watch.handled(again)
    assert not watch.restarted(asyncio.run(process_of(database)))
