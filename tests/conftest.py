"""Fixtures shared by all test levels: the corpus beside the repo, free ports, a real stack."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from pcflow.stack import Stack, StackSettings

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def bad_dir(corpus: Path) -> Iterator[Path]:
    yield corpus / "bad"


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory: pytest.TempPathFactory) -> StackSettings:
    return StackSettings(
        var_dir=tmp_path_factory.mktemp("pcflow") / "var",
        kafka_port=free_port(),
        mongo_port=free_port(),
        metrics_port_base=free_port() + 100,
        partitions=4,
    )


@pytest.fixture(scope="session")
def infra(stack_settings: StackSettings) -> Iterator[Stack]:
    """A real Kafka-protocol broker and a real MongoDB-wire server, over TCP."""
    stack = Stack(stack_settings)
    try:
        stack.start_broker()
        stack.start_database()
        asyncio.run(stack.create_topics())
        yield stack
    finally:
        stack.down()


@pytest.fixture(scope="session")
def running_stack(infra: Stack) -> Iterator[Stack]:
    """The four services on top of `infra`, as `pcflow up` runs them."""
    infra.start_services()
    infra.wait_healthy()
    yield infra
    infra.stop(reversed(infra.service_names()))
