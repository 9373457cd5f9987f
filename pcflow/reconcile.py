"""`pcflow reconcile`: one reconciliation pass of ingest, run from the command line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from pcflow.stack import StackSettings
from services.ingest.app import make_source
from services.ingest.ingestor import Ingestor
from shared.broker import Transport
from shared.settings import IngestSettings
from shared.status import documents


async def run_reconcile(stale_after_seconds: float) -> list[str]:
    stack = StackSettings()
    settings = IngestSettings.model_validate(
        {
            key.removeprefix("PCFLOW_").lower(): value
            for key, value in stack.service_env("ingest").items()
        }
    )
    transport = Transport(settings, "ingest")
    broker: KafkaBroker = transport.broker
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongo_url.get_secret_value(), tz_aware=True
    )
    await broker.start()
    try:
        ingestor = Ingestor(
            transport,
            make_source(settings),
            documents(client, settings.mongo_database),
            settings.max_upload_bytes,
        )
        return await ingestor.reconcile(timedelta(seconds=stale_after_seconds))
    finally:
        await broker.stop()
        await client.close()
