"""A service tells a restarted database from the process id the real server reports, even
when the service itself started after the restart."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from pcflow.stack import Stack, StackSettings, free_port
from shared.restarts import RestartWatch

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


async def restarted(stack: Stack, service: str, *, handle: bool = False) -> bool:
    """What a freshly started service's watch says: memory plays no part."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value(), serverSelectionTimeoutMS=30_000
    )
    try:
        watch = RestartWatch(client, "pcflow", service)
        process = await watch.restarted()
        if process is not None and handle:
            await watch.handled(process)
        return process is not None
    finally:
        await client.close()


def test_a_restart_is_seen_by_a_service_that_started_after_it(database: Stack) -> None:
    assert not asyncio.run(restarted(database, "ingest"))
    assert not asyncio.run(restarted(database, "store"))
    assert not asyncio.run(restarted(database, "ingest"))

    database.kill("database", signal.SIGKILL)
    database.start_database()

    assert asyncio.run(restarted(database, "ingest"))
    # a recovery pass that failed leaves the restart to be seen at the next check
    assert asyncio.run(restarted(database, "ingest", handle=True))
    assert not asyncio.run(restarted(database, "ingest"))
    # each service recovers from the restart on its own
    assert asyncio.run(restarted(database, "store", handle=True))
    assert not asyncio.run(restarted(database, "store"))
