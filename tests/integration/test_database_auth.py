"""The embedded database requires a login, as the compose stack's does: its user is generated
by the first start, kept under var/ for the owner alone, reused by every later start, and the
services log in with it."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure

from pcflow.credentials import DatabaseCredentials
from pcflow.stack import INFRA_STOP_SECONDS, Stack, StackSettings, free_port
from tests.e2e.test_pipeline import drop, wait_final
from tests.unit.pdf_fixtures import unique_report

pytestmark = pytest.mark.integration

UNAUTHORIZED = 13
AUTHENTICATION_FAILED = 18


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A database of its own, so the restart below disturbs no other test."""
    stack = Stack(
        StackSettings(
            var_dir=tmp_path_factory.mktemp("auth") / "var",
            kafka_port=free_port(),
            mongo_port=free_port(),
        )
    )
    try:
        stack.start_database()
        yield stack
    finally:
        stack.down()


async def first_document(url: str) -> dict[str, Any] | None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        url, serverSelectionTimeoutMS=10_000
    )
    try:
        return await client.pcflow.documents.find_one({})
    finally:
        await client.close()


def refusal(url: str) -> int:
    """The error code the database answers a read with."""
    with pytest.raises(OperationFailure) as refused:
        asyncio.run(first_document(url))
    code = refused.value.code
    assert code is not None
    return code


def test_only_the_generated_user_gets_in(database: Stack) -> None:
    port = database.settings.mongo_port
    assert refusal(f"mongodb://127.0.0.1:{port}") == UNAUTHORIZED
    wrong = DatabaseCredentials.model_validate({"username": "pcflow", "password": "guess"})
    assert refusal(wrong.url("127.0.0.1", port).get_secret_value()) == AUTHENTICATION_FAILED
    assert asyncio.run(first_document(database.settings.mongo_url.get_secret_value())) is None


def test_the_credentials_are_made_once_and_kept_across_restarts(database: Stack) -> None:
    file = database.settings.credentials_file
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    before = file.read_bytes()
    database.stop(["database"], INFRA_STOP_SECONDS)
    database.start_database()
    assert file.read_bytes() == before
    assert asyncio.run(first_document(database.settings.mongo_url.get_secret_value())) is None
    assert refusal(f"mongodb://127.0.0.1:{database.settings.mongo_port}") == UNAUTHORIZED


def test_the_services_log_in_and_store_a_report(running_stack: Stack, tmp_path: Path) -> None:
    assert refusal(f"mongodb://127.0.0.1:{running_stack.settings.mongo_port}") == UNAUTHORIZED
    report = tmp_path / "report.pdf"
    report.write_bytes(unique_report())
    doc_id = drop(running_stack, report)
    record = asyncio.run(wait_final(running_stack, [doc_id]))[doc_id]
    assert record["status"] == "stored", record.get("reason")
