"""Reading document records for the CLI: the same collection the services write, through the
services' settings (database URL with its credentials, object store)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from pymongo import DESCENDING, AsyncMongoClient
from pymongo.errors import PyMongoError

from pcflow.settings import ToolSettings
from shared.documents import StructuredDocument
from shared.events import ObjectRef
from shared.objectstore import ObjectStore, open_store
from shared.status import FINAL, documents, structured

Record = dict[str, Any]


def client_for(settings: ToolSettings) -> AsyncMongoClient[Record]:
    return AsyncMongoClient(
        settings.mongo_url.get_secret_value(), tz_aware=True, serverSelectionTimeoutMS=5000
    )


async def list_records(settings: ToolSettings, limit: int) -> list[Record]:
    client = client_for(settings)
    try:
        cursor = documents(client, settings.mongo_database).find(
            {}, sort=[("status_at", DESCENDING)], limit=limit
        )
        return [record async for record in cursor]
    finally:
        await client.close()


async def find_record(settings: ToolSettings, prefix: str) -> Record | None:
    client = client_for(settings)
    try:
        database = settings.mongo_database
        collection = documents(client, database)
        matches = [
            record
            async for record in collection.find({"document_id": {"$regex": f"^{prefix}"}}, limit=2)
        ]
        if len(matches) != 1:
            return None
        record = matches[0]
        body = await structured(client, database).find_one({"document_id": record["document_id"]})
        if body is not None:
            record["document"] = _document(settings, body)
        return record
    finally:
        await client.close()


def document_body(store: ObjectStore, body: Record) -> Record:
    """The structured document of a `structured` record, fetched from the object store when
    it was too large to keep inline."""
    if body.get("document_ref"):
        ref = ObjectRef.model_validate(body["document_ref"])
        document: Record = json.loads(store.get(ref))
        return document
    document = body["document"]
    return document


def _document(settings: ToolSettings, body: Record) -> Record:
    return document_body(open_store(settings.object_store_url, settings.s3_endpoint_url), body)


async def stored_documents(
    settings: ToolSettings, database: str
) -> AsyncIterator[StructuredDocument]:
    """Every stored structured document, one at a time: an export of many reports never holds
    all of them in memory."""
    client = client_for(settings)
    try:
        async for body in structured(client, database).find({}, sort=[("document_id", 1)]):
            yield StructuredDocument.model_validate(_document(settings, body))
    finally:
        await client.close()


async def wait_for_final(
    settings: ToolSettings,
    document_ids: list[str],
    timeout: float,
    on_poll: Callable[[dict[str, str]], None],
) -> dict[str, Record]:
    """Poll until every document is stored or failed; after each poll, report the status of
    every document found so far, so the caller can also say why one does not move on."""
    client = client_for(settings)
    statuses: dict[str, str] = {}
    final: dict[str, Record] = {}
    deadline = time.monotonic() + timeout
    try:
        collection = documents(client, settings.mongo_database)
        while len(final) < len(document_ids) and time.monotonic() < deadline:
            pending = [doc_id for doc_id in document_ids if doc_id not in final]
            try:
                async for record in collection.find(
                    {"document_id": {"$in": pending}}, {"document": 0}
                ):
                    doc_id = record["document_id"]
                    statuses[doc_id] = record.get("status", "")
                    if statuses[doc_id] in FINAL:
                        final[doc_id] = record
            except PyMongoError:
                pass  # the database is down: on_poll says so, and it may come back in time
            on_poll(statuses)
            await asyncio.sleep(0.5)
        return final
    finally:
        await client.close()
