"""`pcflow reconcile`: one reconciliation pass of ingest and store, run from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from pcflow.stack import StackSettings
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


async def run_reconcile(stale_after_seconds: float) -> Reconciled:
    stack = StackSettings()
    env = {
        key.removeprefix("PCFLOW_").lower(): value
        for key, value in stack.service_env("ingest").items()
    }
    settings = IngestSettings.model_validate(env)
    transport = Transport(settings, "ingest")
    store_transport = Transport(StoreSettings.model_validate(env), "store")
    brokers: list[KafkaBroker] = [transport.broker, store_transport.broker]
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongo_url.get_secret_value(), tz_aware=True
    )
    collection = documents(client, settings.mongo_database)
    stale_after = timedelta(seconds=stale_after_seconds)
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
