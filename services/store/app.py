"""The store service: persists classified documents and keeps every document's status.

The structured event is published only after the MongoDB write, so a consumer never hears of
a document it cannot read; where it landed is recorded, so that an event the broker later
loses is published again (`publishing.py`). A second consumer group follows the extracted
topic and the DLQ to keep the status of documents still in flight or failed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

from faststream.asgi import AsgiFastStream
from pymongo import AsyncMongoClient

from services.store.core import (
    already_published,
    by_reference,
    document_fields,
    end_to_end_seconds,
    failure_fields,
    inline_fits,
    structured_record,
)
from services.store.publishing import Publisher
from shared import metrics, topics
from shared.broker import Transport
from shared.events import (
    DeadLetter,
    DocumentClassified,
    DocumentStructured,
    StageReached,
    is_document_id,
    utcnow,
)
from shared.logs import configure_logging
from shared.objectstore import aput
from shared.restarts import RestartWatch
from shared.service import build_app, periodically
from shared.settings import StoreSettings
from shared.status import STRUCTURED_MESSAGE, documents, ensure_indexes, record_stage, structured

GROUP = "pcflow-store"
# One group per followed topic: consumers of one group with different subscriptions make every
# join a rebalance of both, and a broker may leave one of them without partitions meanwhile.
EXTRACTED_STATUS_GROUP = "pcflow-status-extracted"
FAILED_STATUS_GROUP = "pcflow-status-failed"

log = logging.getLogger("pcflow.store")


def create_app(settings: StoreSettings | None = None) -> AsgiFastStream:
    settings = settings or StoreSettings()
    configure_logging("store", settings.log_level)
    transport = Transport(settings, "store")
    transport.output(topics.STRUCTURED, DocumentStructured)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongo_url.get_secret_value(), tz_aware=True
    )
    collection = documents(client, settings.mongo_database)
    bodies = structured(client, settings.mongo_database)

    publisher = Publisher(
        transport, collection, bodies, timedelta(seconds=settings.reconcile_stale_seconds)
    )
    restarts = RestartWatch(client, settings.mongo_database, "store")
    tasks: list[asyncio.Task[None]] = []

    @transport.subscriber(topics.CLASSIFIED, group=GROUP)
    async def store(event: DocumentClassified) -> None:
        stored_at = utcnow()
        before = await collection.find_one(
            {"document_id": event.document_id}, {STRUCTURED_MESSAGE: 1}
        )
        record = structured_record(event)
        if not inline_fits(record):
            body = json.dumps(record["document"]).encode()
            ref = await aput(transport.store, f"structured/{event.document_id}.json", body)
            record = by_reference(record, ref)
        await bodies.replace_one({"document_id": event.document_id}, record, upsert=True)
        await record_stage(
            collection,
            event.document_id,
            "stored",
            stored_at,
            fields=document_fields(event),
            earlier={"classified": event.occurred_at},
        )
        if already_published(before, event.pipeline_version):
            log.info("stored again; its structured event was published before")
            return
        out = DocumentStructured(**event.lineage(), stored_at=stored_at, document=event.document)
        await publisher.publish(out)
        metrics.DOCUMENTS.labels(status="stored").inc()
        metrics.END_TO_END.observe(end_to_end_seconds(event.uploaded_at, stored_at))

    @transport.subscriber(topics.EXTRACTED, group=EXTRACTED_STATUS_GROUP, include_in_schema=False)
    async def extracted(event: StageReached) -> None:
        await record_stage(collection, event.document_id, "extracted", event.occurred_at)

    @transport.subscriber(topics.DLQ, group=FAILED_STATUS_GROUP)
    async def failed(letter: DeadLetter) -> None:
        if letter.stage == "ingest" or not is_document_id(letter.document_id):
            return
        await record_stage(
            collection,
            str(letter.document_id),
            "failed",
            letter.occurred_at,
            fields=failure_fields(letter),
            reason=f"{letter.reason}: {letter.message}",
        )
        metrics.DOCUMENTS.labels(status="failed").inc()

    async def resend_lost() -> list[str]:
        process = await restarts.restarted()
        resent = await publisher.resend_lost(database_restarted=process is not None)
        if process is not None:
            await restarts.handled(process)
        return resent

    app = build_app(transport)

    @app.after_startup
    async def prepare() -> None:
        await ensure_indexes(collection)
        await bodies.create_index("document_id", unique=True)
        tasks.append(
            asyncio.create_task(
                periodically(
                    settings.loss_check_interval_seconds,
                    resend_lost,
                    "published again what the broker or the database lost",
                )
            )
        )

    @app.on_shutdown
    async def close() -> None:
        for task in tasks:
            task.cancel()
        await client.close()

    return app
