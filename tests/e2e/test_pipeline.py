"""The whole pipeline on the embedded stack: real broker, real database, four service processes."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import time
import urllib.request
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.partitioner import DefaultPartitioner
from prometheus_client.parser import text_string_to_metric_families
from pymongo import AsyncMongoClient

from pcflow.dlq import read_dead_letters
from pcflow.settings import tool_settings
from pcflow.stack import Stack
from shared import topics
from shared.events import DocumentStructured
from tests.unit.pdf_fixtures import unique_report

DEV_FILES = (
    "lansingerland-jaarverslag-2017-A.pdf",
    "pijnacker-nootdorp-najaarsnota-2022-B.pdf",
    "hengelo-jaarverslag-2019-A.pdf",
)


def drop(stack: Stack, source: Path, name: str | None = None) -> str:
    inbox = stack.settings.inbox
    inbox.mkdir(parents=True, exist_ok=True)
    partial = inbox / f".{source.name}.part"
    shutil.copyfile(source, partial)
    partial.replace(inbox / (name or source.name))
    return hashlib.sha256(source.read_bytes()).hexdigest()


async def wait_final(
    stack: Stack, doc_ids: list[str], timeout: float = 240
) -> dict[str, dict[str, Any]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value()
    )
    collection = client.pcflow.documents
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            records = {
                r["document_id"]: r
                async for r in collection.find({"document_id": {"$in": doc_ids}})
            }
            if len(records) == len(doc_ids) and all(
                r.get("status") in ("stored", "failed") for r in records.values()
            ):
                return records
            await asyncio.sleep(0.5)
        raise TimeoutError(f"documents not final after {timeout} s: {records}")
    finally:
        await client.close()


async def structured_bodies(stack: Stack, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value()
    )
    try:
        cursor = client.pcflow.structured.find({"document_id": {"$in": doc_ids}})
        return {r["document_id"]: r["document"] async for r in cursor}
    finally:
        await client.close()


async def eventually_all_stages(stack: Stack, doc_ids: list[str], timeout: float = 30) -> bool:
    """`extracted` is noted by a consumer group of its own, so it may come after `stored`."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value()
    )
    stages = {"uploaded", "extracted", "classified", "stored"}
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            records = client.pcflow.documents.find({"document_id": {"$in": doc_ids}})
            complete = [r async for r in records if stages <= set(r["stages"])]
            if len(complete) == len(doc_ids):
                return True
            await asyncio.sleep(0.5)
        return False
    finally:
        await client.close()


async def structured_messages(stack: Stack) -> list[DocumentStructured]:
    consumer = AIOKafkaConsumer(
        topics.STRUCTURED,
        bootstrap_servers=stack.settings.bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        batch = await consumer.getmany(timeout_ms=5000)
        messages = [record for records in batch.values() for record in records]
        while batch:
            batch = await consumer.getmany(timeout_ms=2000)
            messages += [record for records in batch.values() for record in records]
        return [DocumentStructured.model_validate_json(m.value or b"") for m in messages]
    finally:
        await consumer.stop()


async def count_documents(stack: Stack, doc_ids: list[str]) -> int:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value()
    )
    try:
        return await client.pcflow.documents.count_documents({"document_id": {"$in": doc_ids}})
    finally:
        await client.close()


def duplicate_uploads(stack: Stack) -> float:
    """How many files ingest has recognised, by their content, as a document it already has."""
    port = stack.settings.metrics_ports()["ingest"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "pcflow_uploads_total" and sample.labels == {"result": "duplicate"}:
                return float(sample.value)
    raise AssertionError("ingest reports no pcflow_uploads_total{result=duplicate}")


def test_three_reports_end_stored_once_and_a_non_pdf_fails(
    running_stack: Stack, corpus: Path
) -> None:
    stack = running_stack
    ids = [drop(stack, corpus / "dev" / name) for name in DEV_FILES]
    records = asyncio.run(wait_final(stack, ids))
    bodies = asyncio.run(structured_bodies(stack, ids))
    for doc_id in ids:
        record = records[doc_id]
        assert record["status"] == "stored", record.get("reason")
        assert record["counts"]["paragraphs"] == len(bodies[doc_id]["paragraphs"])
        assert bodies[doc_id]["paragraphs"], "a stored report has paragraphs"
        assert {"uploaded", "classified", "stored"} <= set(record["stages"])
    assert any(body["financial_lines"] for body in bodies.values())
    assert asyncio.run(eventually_all_stages(stack, ids)), "the status group records extracted"

    messages = [m for m in asyncio.run(structured_messages(stack)) if m.document_id in ids]
    assert sorted(m.document_id for m in messages) == sorted(ids)

    duplicates_before = duplicate_uploads(stack)
    drop(stack, corpus / "dev" / DEV_FILES[0], name="renamed-copy.pdf")
    deadline = time.monotonic() + 30
    while duplicate_uploads(stack) == duplicates_before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert duplicate_uploads(stack) == duplicates_before + 1, "ingest knew the renamed copy"
    assert asyncio.run(wait_final(stack, [ids[0]]))[ids[0]]["filename"] == DEV_FILES[0]
    assert asyncio.run(count_documents(stack, ids)) == len(ids)
    assert len(asyncio.run(structured_bodies(stack, ids))) == len(ids)
    again_messages = [m for m in asyncio.run(structured_messages(stack)) if m.document_id in ids]
    assert len(again_messages) == len(ids)

    bad = drop(stack, corpus / "bad" / "not-a-pdf.pdf")
    failed = asyncio.run(wait_final(stack, [bad]))[bad]
    assert failed["status"] == "failed"
    assert "not_pdf" in failed["reason"]
    letters = asyncio.run(read_dead_letters(tool_settings(stack.settings)))
    assert any(letter.document_id == bad and letter.reason == "not_pdf" for letter in letters)


def consumer_parity(stack: Stack, doc_id: str) -> int:
    """Which of an extract instance's two consumers reads the document: ingest keys the event
    by the document id, and the round-robin assignment gives one consumer the even partitions
    and the other the odd ones."""
    partitions = list(range(stack.settings.partitions))
    return int(DefaultPartitioner()(doc_id.encode(), partitions, partitions)) % 2


async def status_now(stack: Stack, doc_id: str) -> str | None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value()
    )
    try:
        record = await client.pcflow.documents.find_one({"document_id": doc_id})
        return None if record is None else record.get("status")
    finally:
        await client.close()


def test_a_long_scan_does_not_hold_up_the_report_behind_it(
    running_stack: Stack, corpus: Path, tmp_path: Path
) -> None:
    """Two documents at a time per extract instance: a report dropped after a scan whose OCR
    takes tens of seconds is stored while the scan is still being read."""
    scan = tmp_path / "scan.pdf"
    scan.write_bytes((corpus / "dev" / "bergdijk-jaarverslag-2022-C.pdf").read_bytes() + b"\n%x\n")
    scan_id = hashlib.sha256(scan.read_bytes()).hexdigest()
    report = tmp_path / "report.pdf"
    while True:
        report.write_bytes(unique_report())
        report_id = hashlib.sha256(report.read_bytes()).hexdigest()
        if consumer_parity(running_stack, report_id) != consumer_parity(running_stack, scan_id):
            break
    drop(running_stack, scan)
    time.sleep(2)
    drop(running_stack, report)
    assert asyncio.run(wait_final(running_stack, [report_id]))[report_id]["status"] == "stored"
    assert asyncio.run(status_now(running_stack, scan_id)) == "uploaded"
    assert asyncio.run(wait_final(running_stack, [scan_id]))[scan_id]["status"] == "stored"
