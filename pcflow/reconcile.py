"""`pcflow reconcile`: one reconciliation pass of ingest and store, run from the command line.

It runs with ingest's own settings (`pcflow.settings`): the same upload source, database and
broker, so it re-drives documents on the embedded stack and on one with an upload bucket,
database credentials and a SASL/SSL broker alike; store's part reads the same connection
settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from services.ingest.app import make_source
from services.ingest.ingestor import Ingestor
from services.store.publishing import Publisher
from shared.broker import Transport
from shared.settings import IngestSettings, StoreSettings
from shared.status import documents, structured


@dataclass
class Reconciled:
    """Documents sent again: uploads re-emitted, and structured events published again."""

    reemitted: list[str]
    republished: list[str]


async def run_reconcile(settings: IngestSettings, stale_after: timedelta) -> Reconciled:
    """Send again what the broker lost, and every upload whose record is missing or has not
    moved for `stale_after`."""
    transport = Transport(settings, "ingest")
    store_transport = Transport(StoreSettings.model_validate(settings.model_dump()), "store")
    brokers: list[KafkaBroker] = [transport.broker, store_transport.broker]
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongo_url.get_secret_value(), tz_aware=True
    )
    collection = documents(client, settings.mongo_database)
    for broker in brokers:
        await broker.start()
    try:
        ingestor = Ingestor(transport, make_source(settings), collection, settings.max_upload_bytes)
        publisher = Publisher(
            store_transport, collection, structured(client, settings.mongo_database), stale_after
        )
        reemitted = await ingestor.resend_lost()
        reemitted += await ingestor.reconcile(stale_after)
        return Reconciled(list(dict.fromkeys(reemitted)), await publisher.resend_lost())
    finally:
        for broker in brokers:
            await broker.stop()
        await client.close()
