"""`pcflow dlq list`, `pcflow dlq replay` and `pcflow reconcile` as an operator runs them: as
separate processes against the embedded stack, with nothing but its environment to find it."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from pcflow.health import metric_samples
from pcflow.settings import tool_settings
from pcflow.stack import Stack
from services.ingest.app import make_source
from services.ingest.ingestor import Ingestor, listing_key
from services.ingest.sources import Source, Upload
from shared import topics
from shared.broker import Transport, kafka_client_options
from shared.events import DocumentUploaded, ObjectRef, utcnow
from shared.headers import cloudevent_headers
from shared.objectstore import open_store
from shared.status import COLLECTION, STRUCTURED_COLLECTION, STRUCTURED_MESSAGE, record_stage
from shared.version import PIPELINE_VERSION
from tests.e2e.test_pipeline import drop, structured_bodies, wait_final
from tests.integration.test_supervision import pcflow
from tests.unit.pdf_fixtures import unique_report

pytestmark = pytest.mark.integration


def dead_letter_rows(stack: Stack, document_id: str) -> list[dict[str, str]]:
    """The rows `pcflow dlq list` prints for one document."""
    listed = pcflow(stack, "dlq", "list")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    columns = ("id", "time", "stage", "document", "reason", "message")
    rows = []
    for line in listed.stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == len(columns) and cells[3] == document_id[:12]:
            rows.append(dict(zip(columns, cells, strict=True)))
    return rows


@asynccontextmanager
async def database_of(stack: Stack) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """The stack's database, as an operator's tool reaches it."""
    settings = tool_settings(stack.settings)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongo_url.get_secret_value(), tz_aware=True
    )
    try:
        yield client[settings.mongo_database]
    finally:
        await client.close()


async def status_of(stack: Stack, document_id: str) -> dict[str, Any] | None:
    async with database_of(stack) as database:
        return await database[COLLECTION].find_one({"document_id": document_id})


def wait_for_status(stack: Stack, document_id: str, status: str, timeout: float = 240) -> None:
    """Until the document has `status`; a document failed before may still be stored after."""
    deadline = time.monotonic() + timeout
    record = None
    while time.monotonic() < deadline:
        record = asyncio.run(status_of(stack, document_id))
        if record is not None and record.get("status") == status:
            return
        time.sleep(0.5)
    raise AssertionError(f"{document_id[:12]} not {status} after {timeout} s: {record}")


def duplicate_uploads(stack: Stack) -> float:
    """How many uploads ingest has skipped as a document it already knows."""
    samples = metric_samples(stack.settings.metrics_ports()["ingest"])
    return sum(
        sample.value
        for sample in samples
        if sample.name == "pcflow_uploads_total" and sample.labels == {"result": "duplicate"}
    )


async def publish_uploaded(stack: Stack, event: DocumentUploaded) -> None:
    producer = AIOKafkaProducer(**kafka_client_options(tool_settings(stack.settings)))
    await producer.start()
    try:
        headers = cloudevent_headers(
            topic=topics.UPLOADED,
            source="test",
            subject=event.document_id,
            time=event.occurred_at,
        )
        await producer.send_and_wait(
            topics.UPLOADED,
            event.model_dump_json().encode(),
            key=event.document_id.encode(),
            headers=[(name, value.encode()) for name, value in headers.items()],
        )
    finally:
        await producer.stop()


def test_a_refused_upload_is_listed_with_its_reason_and_is_not_replayed(
    running_stack: Stack, tmp_path: Path
) -> None:
    upload = tmp_path / "begroting.pdf"
    upload.write_bytes(f"not a PDF at all: {tmp_path}".encode())
    doc_id = drop(running_stack, upload)
    assert asyncio.run(wait_final(running_stack, [doc_id]))[doc_id]["status"] == "failed"

    (row,) = dead_letter_rows(running_stack, doc_id)
    assert (row["stage"], row["reason"]) == ("ingest", "not_pdf")

    replayed = pcflow(running_stack, "dlq", "replay", row["id"])
    assert replayed.returncode == 1, replayed.stdout + replayed.stderr
    assert "refused at upload" in replayed.stdout
    assert asyncio.run(wait_final(running_stack, [doc_id]))[doc_id]["status"] == "failed"


def test_a_dead_letter_replayed_after_its_cause_is_fixed_ends_stored(
    running_stack: Stack,
) -> None:
    """An event naming an object whose bytes are not the ones it promises is dead-lettered
    by extract; once the object is right, the replayed event takes the document to stored."""
    pdf = unique_report()
    doc_id = hashlib.sha256(pdf).hexdigest()
    settings = tool_settings(running_stack.settings)
    store = open_store(settings.object_store_url, settings.s3_endpoint_url)
    key = f"documents/{doc_id}.pdf"
    tampered = store.put(key, b"%PDF-1.7 not what the reference promises")
    now = utcnow()
    event = DocumentUploaded(
        document_id=doc_id,
        pipeline_version=PIPELINE_VERSION,
        uploaded_at=now,
        occurred_at=now,
        filename="replayed.pdf",
        source="test",
        pdf=ObjectRef(url=tampered.url, size=len(pdf), sha256=doc_id),
    )
    asyncio.run(publish_uploaded(running_stack, event))
    wait_for_status(running_stack, doc_id, "failed")

    (row,) = dead_letter_rows(running_stack, doc_id)
    assert (row["stage"], row["reason"]) == ("extract", "object_mismatch")

    store.put(key, pdf)
    replayed = pcflow(running_stack, "dlq", "replay", row["id"])
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert f"to {topics.UPLOADED}" in replayed.stdout
    wait_for_status(running_stack, doc_id, "stored")
    shown = pcflow(running_stack, "show", doc_id, "--json")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert '"filename": "replayed.pdf"' in shown.stdout


def test_reconcile_redrives_a_document_whose_upload_event_was_lost(
    running_stack: Stack, tmp_path: Path
) -> None:
    """The record says uploaded but no event is on the topic, as after a broker lost it:
    ingest skips the file as known, and only reconciliation moves it on."""
    report = tmp_path / "lost.pdf"
    report.write_bytes(unique_report())
    doc_id = hashlib.sha256(report.read_bytes()).hexdigest()

    async def record_lost_upload() -> None:
        async with database_of(running_stack) as database:
            await record_stage(
                database[COLLECTION],
                doc_id,
                "uploaded",
                utcnow(),
                fields={"filename": report.name, "pipeline_version": PIPELINE_VERSION},
            )

    asyncio.run(record_lost_upload())
    skipped_before = duplicate_uploads(running_stack)
    drop(running_stack, report)
    deadline = time.monotonic() + 60
    while duplicate_uploads(running_stack) == skipped_before:
        assert time.monotonic() < deadline, "ingest never looked at the file"
        time.sleep(0.5)
    record = asyncio.run(status_of(running_stack, doc_id))
    assert record is not None and record["status"] == "uploaded"

    reconciled = pcflow(running_stack, "reconcile", "--stale-after", "0")
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
    assert doc_id in reconciled.stdout
    wait_for_status(running_stack, doc_id, "stored")


async def listed_anywhere(stack: Stack, key: str) -> bool:
    """Whether some record was read from the upload this listing key names."""
    async with database_of(stack) as database:
        return await database[COLLECTION].find_one({"listed": key}) is not None


class CountingSource:
    """The stack's inbox, counting which files are read."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.reads: list[str] = []

    def list(self) -> list[Upload]:
        return self.source.list()

    def size(self, upload: Upload) -> int:
        return self.source.size(upload)

    def read(self, upload: Upload, max_bytes: int) -> bytes:
        self.reads.append(upload.name)
        return self.source.read(upload, max_bytes)

    def ticks(self, interval: float) -> AsyncGenerator[None, None]:
        return self.source.ticks(interval)


async def reconcile_pass(stack: Stack, source: Source, stale_after: timedelta) -> list[str]:
    """One reconciliation sweep, as `pcflow reconcile` runs it, over `source`."""
    settings = tool_settings(stack.settings)
    transport = Transport(settings, "ingest")
    await transport.broker.start()
    try:
        async with database_of(stack) as database:
            ingestor = Ingestor(transport, source, database[COLLECTION], settings.max_upload_bytes)
            return await ingestor.reconcile(stale_after)
    finally:
        await transport.broker.stop()


async def remove_body(stack: Stack, document_id: str) -> None:
    async with database_of(stack) as database:
        await database[STRUCTURED_COLLECTION].delete_one({"document_id": document_id})


def test_reconcile_reads_no_upload_it_already_knows(running_stack: Stack, tmp_path: Path) -> None:
    """A stored document's file is told from the listing; a file never seen is read."""
    report = tmp_path / "known.pdf"
    report.write_bytes(unique_report())
    doc_id = drop(running_stack, report)
    wait_for_status(running_stack, doc_id, "stored")
    source = CountingSource(make_source(tool_settings(running_stack.settings)))

    assert doc_id not in asyncio.run(reconcile_pass(running_stack, source, timedelta(0)))
    assert report.name not in source.reads

    changed = running_stack.settings.inbox / "known.pdf"
    changed.write_bytes(changed.read_bytes() + b"\n% appended\n")
    changed_key = next(listing_key(u) for u in source.list() if u.name == report.name)
    asyncio.run(reconcile_pass(running_stack, source, timedelta(0)))
    # The stack's own ingest watches the same folder and may read the changed file first: then
    # the new content's record lists it. A pass that finds the listing unrecorded must read it.
    assert report.name in source.reads or asyncio.run(
        listed_anywhere(running_stack, changed_key)
    ), "a file changed since it was listed is read again"


def test_reconcile_runs_again_a_stored_document_whose_body_is_gone(
    running_stack: Stack, tmp_path: Path
) -> None:
    """What a database killed between store's writes leaves: the status stored, the body
    gone. Reconcile runs the document again at once, whatever its age, and store writes the
    body back without publishing the document a second time."""
    report = tmp_path / "bodiless.pdf"
    report.write_bytes(unique_report())
    doc_id = drop(running_stack, report)
    wait_for_status(running_stack, doc_id, "stored")
    published = (asyncio.run(status_of(running_stack, doc_id)) or {})[STRUCTURED_MESSAGE]
    asyncio.run(remove_body(running_stack, doc_id))
    source = make_source(tool_settings(running_stack.settings))

    assert doc_id in asyncio.run(reconcile_pass(running_stack, source, timedelta(hours=1)))
    deadline = time.monotonic() + 240
    while doc_id not in asyncio.run(structured_bodies(running_stack, [doc_id])):
        assert time.monotonic() < deadline, "the body was not written again"
        time.sleep(0.5)
    wait_for_status(running_stack, doc_id, "stored")
    record = asyncio.run(status_of(running_stack, doc_id)) or {}
    assert record[STRUCTURED_MESSAGE]["event_id"] == published["event_id"]
    assert doc_id not in asyncio.run(reconcile_pass(running_stack, source, timedelta(hours=1)))
