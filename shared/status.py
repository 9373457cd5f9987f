"""Document status in MongoDB: one record per document_id, written by ingest and store.

Stages are consumed by different consumer groups, so their events can arrive out of order.
Each stage's time is kept with `$max`, and the status moves only to an event newer than the one
that set it, in one conditional update: a late `extracted` never overwrites `stored`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from shared.sent import Check, Sent

Status = Literal["uploaded", "extracted", "classified", "stored", "failed"]
FINAL: tuple[Status, ...] = ("stored", "failed")
COLLECTION = "documents"
STRUCTURED_COLLECTION = "structured"
# where a document's latest uploaded and structured events landed (shared/sent.py)
UPLOADED_MESSAGE = "uploaded_message"
STRUCTURED_MESSAGE = "structured_message"


def documents(
    client: AsyncMongoClient[dict[str, Any]], database: str
) -> AsyncCollection[dict[str, Any]]:
    return client[database][COLLECTION]


def structured(
    client: AsyncMongoClient[dict[str, Any]], database: str
) -> AsyncCollection[dict[str, Any]]:
    """The structured documents themselves, one per document_id (see services/store/core.py)."""
    return client[database][STRUCTURED_COLLECTION]


async def ensure_indexes(collection: AsyncCollection[dict[str, Any]]) -> None:
    await collection.create_index([("document_id", ASCENDING)], unique=True)
    await collection.create_index([("status", ASCENDING)])
    await collection.create_index([("listed", ASCENDING)])


async def record_stage(
    collection: AsyncCollection[dict[str, Any]],
    document_id: str,
    stage: Status,
    at: datetime,
    *,
    fields: dict[str, Any] | None = None,
    on_insert: dict[str, Any] | None = None,
    reason: str | None = None,
    earlier: dict[Status, datetime] | None = None,
) -> None:
    """Note that `document_id` reached `stage` at `at`; idempotent under redelivery.

    `earlier` stages, reached before this one, are noted in the same write.
    """
    times = {f"stages.{name}": when for name, when in (earlier or {}).items()}
    update: dict[str, Any] = {
        "$max": {**times, f"stages.{stage}": at},
        "$setOnInsert": {"document_id": document_id, **(on_insert or {})},
    }
    if fields:
        update["$set"] = fields
    await collection.update_one({"document_id": document_id}, update, upsert=True)
    await collection.update_one(
        {
            "document_id": document_id,
            "$or": [{"status_at": {"$lt": at}}, {"status_at": {"$exists": False}}],
        },
        {"$set": {"status": stage, "status_at": at, "reason": reason}},
    )


async def record_sent(
    collection: AsyncCollection[dict[str, Any]], document_id: str, field: str, sent: Sent
) -> None:
    """Note where a document's event landed, for the check whether the broker still has it."""
    await collection.update_one({"document_id": document_id}, {"$set": {field: sent.fields()}})


async def record_check(
    collection: AsyncCollection[dict[str, Any]], name: str, found: Check
) -> None:
    """Note what a check found before anything is sent again: messages found in the log are
    verified, lost ones no longer are. Should sending them again stop halfway, the next check
    asks for each of those one by one instead of trusting the newest verified message of
    their partition, which may by then be one sent after the loss. Matched by event id, so
    a message sent again meanwhile keeps its own landing."""
    for sent, verified in ((found.verified, True), (found.lost, False)):
        if sent:
            await collection.update_many(
                {f"{name}.event_id": {"$in": [s.event_id for s in sent]}},
                {"$set": {f"{name}.verified": verified}},
            )
