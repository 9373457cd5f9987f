"""`pcflow reconcile`: one reconciliation pass of ingest, run from the command line.

It runs with ingest's own settings (`pcflow.settings`): the same upload source, database and
broker, so it re-drives documents on the embedded stack and on one with an upload bucket,
database credentials and a SASL/SSL broker alike.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from services.ingest.app import make_source
from services.ingest.ingestor import Ingestor
from shared.broker import Transport
from shared.settings import IngestSettings
from shared.status import documents


async def run_reconcile(settings: IngestSettings, stale_after: timedelta) -> list[str]:
    """Re-emit every upload whose record is missing or has not moved for `stale_after`."""
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
        return await ingestor.reconcile(stale_after)
    finally:
        await broker.stop()
        await client.close()
