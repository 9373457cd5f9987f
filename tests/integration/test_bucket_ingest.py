"""Ingest from an S3 bucket (moto's S3 server) into a real broker and database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aiokafka import AIOKafkaConsumer
from moto.server import ThreadedMotoServer
from pymongo import AsyncMongoClient

from pcflow.stack import INFRA_STOP_SECONDS, Stack, StackSettings, free_port
from services.ingest.app import make_source
from services.ingest.core import document_id
from services.ingest.ingestor import Ingestor
from shared import topics
from shared.broker import Transport
from shared.events import DocumentUploaded
from shared.objectstore import open_store
from shared.settings import IngestSettings
from shared.status import documents, ensure_indexes


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def own_broker(infra: Stack, tmp_path: Path) -> Iterator[Stack]:
    """A broker of its own, so these uploads never reach the services of the e2e stack."""
    stack = Stack(StackSettings(var_dir=tmp_path / "var", kafka_port=free_port(), mongo_port=0))
    stack.start_broker()
    asyncio.run(stack.create_topics())
    yield stack
    stack.stop(["broker"], INFRA_STOP_SECONDS)


async def first_uploaded(bootstrap: str) -> DocumentUploaded:
    consumer = AIOKafkaConsumer(
        topics.UPLOADED, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
        return DocumentUploaded.model_validate_json(record.value or b"")
    finally:
        await consumer.stop()


def test_bucket_uploads_are_ingested_once_and_bad_ones_fail(
    s3_endpoint: str, own_broker: Stack, infra: Stack, corpus: Path
) -> None:
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    s3.create_bucket(
        Bucket="uploads", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.create_bucket(
        Bucket="objects", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    pdf = (corpus / "dev" / "lansingerland-jaarverslag-2017-A.pdf").read_bytes()
    html = (corpus / "bad" / "not-a-pdf.pdf").read_bytes()
    s3.put_object(Bucket="uploads", Key="in/report.pdf", Body=pdf)
    s3.put_object(Bucket="uploads", Key="in/error-page.pdf", Body=html)
    database = f"test_{uuid.uuid4().hex[:8]}"
    settings = IngestSettings(
        kafka_bootstrap_servers=own_broker.settings.bootstrap,
        mongo_url=infra.settings.mongo_url,
        mongo_database=database,
        object_store_url="s3://objects/pcflow",
        s3_endpoint_url=s3_endpoint,
        s3_bucket="uploads",
        s3_prefix="in/",
    )

    async def scenario() -> tuple[int, int, dict[str, dict[str, Any]], DocumentUploaded]:
        transport = Transport(settings, "ingest")
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            infra.settings.mongo_url.get_secret_value(), tz_aware=True
        )
        collection = documents(client, database)
        await ensure_indexes(collection)
        ingestor = Ingestor(transport, make_source(settings), collection, settings.max_upload_bytes)
        await transport.broker.start()
        try:
            first = await ingestor.scan()
            ingestor.seen.clear()
            second = await ingestor.scan()
            records = {r["document_id"]: r async for r in collection.find({})}
        finally:
            await transport.broker.stop()
            await client.drop_database(database)
            await client.close()
        return first, second, records, await first_uploaded(own_broker.settings.bootstrap)

    first, second, records, event = asyncio.run(scenario())
    assert (first, second) == (1, 0)
    assert records[document_id(pdf)]["status"] == "uploaded"
    assert records[document_id(pdf)]["source"] == "s3://uploads/in/report.pdf"
    failed = records[document_id(html)]
    assert failed["status"] == "failed"
    assert failed["reason"].startswith("not_pdf")
    assert event.document_id == document_id(pdf)
    assert event.pdf.url.startswith("s3://objects/pcflow/documents/")
    store = open_store(settings.object_store_url, s3_endpoint)
    assert store.get(event.pdf) == pdf
