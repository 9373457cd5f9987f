"""Document status on a real MongoDB-wire server: out-of-order stages never move it back."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from pcflow.stack import Stack
from shared.status import ensure_indexes, record_stage

T0 = datetime(2026, 1, 1, tzinfo=UTC)
Collection = AsyncCollection[dict[str, Any]]


@asynccontextmanager
async def scratch_collection(mongo_url: str) -> AsyncIterator[Collection]:
    """The status collection, with its indexes, in a database of its own that is dropped after."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url, tz_aware=True)
    coll = client[f"test_{uuid.uuid4().hex[:8]}"].documents
    try:
        await ensure_indexes(coll)
        yield coll
    finally:
        await client.drop_database(coll.database.name)
        await client.close()


@pytest.fixture
async def collection(infra: Stack) -> AsyncIterator[Collection]:
    async with scratch_collection(infra.settings.mongo_url.get_secret_value()) as coll:
        yield coll


async def check_late_earlier_stage_keeps_stored(collection: Collection) -> None:
    doc = "c" * 64
    await record_stage(collection, doc, "uploaded", T0)
    await record_stage(
        collection,
        doc,
        "stored",
        T0 + timedelta(seconds=3),
        fields={"x": 1},
        earlier={"classified": T0 + timedelta(seconds=2)},
    )
    await record_stage(collection, doc, "extracted", T0 + timedelta(seconds=1))
    record = await collection.find_one({"document_id": doc})
    assert record is not None
    assert record["status"] == "stored"
    assert set(record["stages"]) == {"uploaded", "extracted", "classified", "stored"}
    assert record["stages"]["classified"] == T0 + timedelta(seconds=2)
    assert await collection.count_documents({}) == 1


async def check_redelivered_stages_are_idempotent(collection: Collection) -> None:
    doc = "d" * 64
    for _ in range(3):
        await record_stage(collection, doc, "uploaded", T0)
        await record_stage(
            collection, doc, "failed", T0 + timedelta(seconds=1), reason="corrupt: x"
        )
    record = await collection.find_one({"document_id": doc})
    assert record is not None
    assert (record["status"], record["reason"]) == ("failed", "corrupt: x")
    assert await collection.count_documents({"document_id": doc}) == 1


async def check_document_id_is_unique(collection: Collection) -> None:
    await collection.insert_one({"document_id": "e" * 64})
    with pytest.raises(DuplicateKeyError):
        await collection.insert_one({"document_id": "e" * 64})


async def test_a_late_earlier_stage_does_not_overwrite_stored(collection: Collection) -> None:
    await check_late_earlier_stage_keeps_stored(collection)


async def test_redelivered_stages_are_idempotent_and_failure_keeps_its_reason(
    collection: Collection,
) -> None:
    await check_redelivered_stages_are_idempotent(collection)


async def test_document_id_is_unique(collection: Collection) -> None:
    await check_document_id_is_unique(collection)
