"""The ingest service: watches the upload source and publishes `documents.uploaded`."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any

from faststream.asgi import AsgiFastStream
from pymongo import AsyncMongoClient

from services.ingest.ingestor import Ingestor
from services.ingest.sources import BucketSource, InboxSource, Source
from shared import topics
from shared.broker import Transport
from shared.events import DocumentUploaded
from shared.logs import configure_logging
from shared.objectstore import s3_client
from shared.restarts import RestartWatch
from shared.service import build_app, periodically
from shared.settings import IngestSettings
from shared.status import documents, ensure_indexes

log = logging.getLogger("pcflow.ingest")


def make_source(settings: IngestSettings) -> Source:
    if settings.s3_bucket:
        return BucketSource(
            s3_client(settings.s3_endpoint_url), settings.s3_bucket, settings.s3_prefix
        )
    if settings.inbox_dir is None:
        raise ValueError("set PCFLOW_INBOX_DIR or PCFLOW_S3_BUCKET")
    return InboxSource(settings.inbox_dir)


def create_app(settings: IngestSettings | None = None) -> AsgiFastStream:
    settings = settings or IngestSettings()
    configure_logging("ingest", settings.log_level)
    transport = Transport(settings, "ingest")
    transport.output(topics.UPLOADED, DocumentUploaded)
    app = build_app(transport)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongo_url.get_secret_value(), tz_aware=True
    )
    collection = documents(client, settings.mongo_database)
    source = make_source(settings)
    ingestor = Ingestor(transport, source, collection, settings.max_upload_bytes)
    restarts = RestartWatch(client, settings.mongo_database, "ingest")
    tasks: list[asyncio.Task[None]] = []

    async def after_database_restart() -> None:
        """A restarted database may have lost the writes it acknowledged last, so every
        document short of a final status, stored without its body, or without a record, is
        sent again now."""
        process = await restarts.restarted()
        if process is not None:
            reemitted = await ingestor.reconcile(timedelta(0))
            log.warning("the database restarted: re-emitted %d documents", len(reemitted))
            await restarts.handled(process)

    async def watch() -> None:
        stale_after = timedelta(seconds=settings.reconcile_stale_seconds)
        last_reconcile = last_restart_check = time.monotonic()
        async for _ in source.ticks(settings.scan_interval_seconds):
            try:
                await ingestor.scan()
                if time.monotonic() - last_restart_check >= settings.loss_check_interval_seconds:
                    last_restart_check = time.monotonic()
                    await after_database_restart()
                if time.monotonic() - last_reconcile >= settings.reconcile_interval_seconds:
                    last_reconcile = time.monotonic()
                    reemitted = await ingestor.reconcile(stale_after)
                    if reemitted:
                        log.warning("reconciliation re-emitted %d documents", len(reemitted))
            except Exception:
                log.exception("scan failed; retrying")

    @app.after_startup
    async def start_watching() -> None:
        await ensure_indexes(collection)
        tasks.append(asyncio.create_task(watch()))
        tasks.append(
            asyncio.create_task(
                periodically(
                    settings.loss_check_interval_seconds,
                    ingestor.resend_lost,
                    "re-emitted what the broker lost",
                )
            )
        )

    @app.on_shutdown
    async def stop_watching() -> None:
        for task in tasks:
            task.cancel()
        await client.close()

    return app
