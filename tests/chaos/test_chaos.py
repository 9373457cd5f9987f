"""Chaos on the embedded stack: crashes, a database outage, a broker restart, hostile input.

Each scenario submits 100 fresh documents, does its damage mid-stream, and then requires every
document in MongoDB exactly once with status stored and every service still running. The suite
ends with a table: scenario, documents in, stored, duplicates, lost, DLQ, seconds to recover.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from pcflow.dlq import read_dead_letters
from pcflow.settings import tool_settings
from pcflow.stack import (
    INFRA_STOP_SECONDS,
    SERVICES,
    Stack,
    StackSettings,
    free_port,
    free_port_block,
    wait_for_port,
)
from samples.make_samples import make_sample
from shared import topics
from tests.e2e.test_pipeline import drop

DOCUMENTS = 100
TIMEOUT = 300.0


@dataclass
class Outcome:
    scenario: str
    documents_in: int
    stored: int
    duplicates: int
    lost: int
    dlq: int
    recover_seconds: float


RESULTS: list[Outcome] = []


@pytest.fixture(scope="module")
def chaos_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = StackSettings(
        var_dir=tmp_path_factory.mktemp("chaos") / "var",
        kafka_port=free_port(),
        mongo_port=free_port(),
        metrics_port_base=free_port_block(20),
        web_port=free_port(),
    )
    stack = Stack(settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PCFLOW_RECONCILE_INTERVAL_SECONDS", "5")
        patch.setenv("PCFLOW_RECONCILE_STALE_SECONDS", "20")
        patch.setenv("PCFLOW_OCR", "false")
        stack.up()
    yield stack
    stack.down()
    print_table()


def print_table() -> None:
    header = (
        f"{'scenario':<28}{'in':>5}{'stored':>8}{'dupl.':>7}{'lost':>6}{'DLQ':>5}{'recover s':>11}"
    )
    lines = [header, "-" * len(header)]
    for r in RESULTS:
        lines.append(
            f"{r.scenario:<28}{r.documents_in:>5}{r.stored:>8}{r.duplicates:>7}{r.lost:>6}"
            f"{r.dlq:>5}{r.recover_seconds:>11.1f}"
        )
    print("\n" + "\n".join(lines))


def make_batch(folder: Path, scenario: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(DOCUMENTS):
        path = folder / f"{scenario}-{i:03d}.pdf"
        make_sample(
            path,
            f"Gemeente {scenario.title()} {i}",
            2020 + i % 6,
            "Jaarverslag",
            [("6.3 Inkomensregelingen", "Bijstand", 1000 + i, 400 + i)],
        )
        paths.append(path)
    return paths


async def records_of(stack: Stack, ids: list[str]) -> list[dict[str, Any]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value(), serverSelectionTimeoutMS=3000
    )
    try:
        return [
            r
            async for r in client.pcflow.documents.find(
                {"document_id": {"$in": ids}},
                {"document_id": 1, "status": 1, "reason": 1, "uploaded_at": 1, "status_at": 1},
            )
        ]
    finally:
        await client.close()


def wait_stored(stack: Stack, ids: list[str], timeout: float = TIMEOUT) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    records: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        try:
            records = asyncio.run(records_of(stack, ids))
        except Exception:
            time.sleep(1)
            continue
        if sum(1 for r in records if r.get("status") == "stored") == len(ids):
            break
        time.sleep(1)
    return records


def run_scenario(
    stack: Stack, tmp_path: Path, name: str, damage: Callable[[Stack], None]
) -> Outcome:
    paths = make_batch(tmp_path / name, name)
    ids = []
    for index, path in enumerate(paths):
        ids.append(drop(stack, path))
        if index == DOCUMENTS // 4:
            damage(stack)
    started = time.monotonic()
    records = wait_stored(stack, ids)
    stored_ids = [r["document_id"] for r in records if r.get("status") == "stored"]
    letters = asyncio.run(read_dead_letters(tool_settings(stack.settings)))
    outcome = Outcome(
        scenario=name,
        documents_in=len(ids),
        stored=len(set(stored_ids)),
        duplicates=len(records) - len({r["document_id"] for r in records}),
        lost=len(set(ids) - set(stored_ids)),
        dlq=sum(1 for letter in letters if letter.document_id in set(ids)),
        recover_seconds=time.monotonic() - started,
    )
    RESULTS.append(outcome)
    assert_all_running(stack)
    return outcome


def assert_all_running(stack: Stack) -> None:
    running = stack.running()
    assert all(running[name] for name in SERVICES), running


def assert_exactly_once(outcome: Outcome) -> None:
    assert outcome.stored == DOCUMENTS, outcome
    assert outcome.duplicates == 0, outcome
    assert outcome.lost == 0, outcome
    assert outcome.dlq == 0, outcome


def kill_each_service(stack: Stack) -> None:
    for name in SERVICES:
        pid = stack.pid(name)
        assert pid is not None
        stack.kill(name, signal.SIGKILL)  # the supervisor starts it again
        time.sleep(2)


def database_outage(stack: Stack) -> None:
    with stack.held("database"):
        stack.stop(["database"], INFRA_STOP_SECONDS)
        time.sleep(20)
    wait_for_port(stack.settings.mongo_port, 60, "the restarted database")


def broker_restart(stack: Stack) -> None:
    """The supervisor starts the broker again and creates the topics it lost."""
    stack.stop(["broker"], INFRA_STOP_SECONDS)
    wait_for_port(stack.settings.kafka_port, 60, "the restarted broker")


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("sigkill-each-service", kill_each_service),
        ("database-down-20s", database_outage),
        ("broker-restart", broker_restart),
    ],
)
def test_no_document_is_lost_or_duplicated(
    chaos_stack: Stack, tmp_path: Path, name: str, damage: Callable[[Stack], None]
) -> None:
    assert_exactly_once(run_scenario(chaos_stack, tmp_path, name, damage))


async def publish_garbage(stack: Stack) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=stack.settings.bootstrap)
    await producer.start()
    try:
        for topic in topics.ALL:
            await producer.send_and_wait(
                topic, b'{"schema_version": 1, "nonsense": true}', key=b"x"
            )
            await producer.send_and_wait(topic, b"\xff\xfe not json", key=b"y")
    finally:
        await producer.stop()


EXPECTED = {
    "empty.pdf": {"failed:empty"},
    "not-a-pdf.pdf": {"failed:not_pdf"},
    "png-renamed.pdf": {"failed:not_pdf"},
    "encrypted.pdf": {"failed:encrypted"},
    "javascript.pdf": {"stored"},
    "blank-page.pdf": {"stored"},
    "broken-xref.pdf": {"stored", "failed:corrupt"},
    "truncated.pdf": {"stored", "failed:corrupt"},
    "blank-5000-pages.pdf": {"stored", "failed:too_many_pages"},
    "long-text-run.pdf": {"stored", "failed:too_large", "failed:timeout", "failed:memory"},
}


def outcome_of(record: dict[str, Any]) -> str:
    if record.get("status") == "failed":
        return f"failed:{(record.get('reason') or '').split(':', 1)[0]}"
    return str(record.get("status"))


def test_hostile_input_fails_cleanly_and_the_pipeline_goes_on(
    chaos_stack: Stack, tmp_path: Path, corpus: Path
) -> None:
    bad = {path.name: path for path in sorted((corpus / "bad").glob("*.pdf"))}
    assert set(bad) == set(EXPECTED)
    asyncio.run(publish_garbage(chaos_stack))
    bad_ids: dict[str, str] = {}

    def feed(stack: Stack) -> None:
        for name, path in bad.items():
            bad_ids[name] = drop(stack, path)

    outcome = run_scenario(chaos_stack, tmp_path, "hostile-input", feed)
    assert_exactly_once(outcome)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        records = {
            r["document_id"]: r
            for r in asyncio.run(records_of(chaos_stack, list(bad_ids.values())))
        }
        if all(records.get(i, {}).get("status") in ("stored", "failed") for i in bad_ids.values()):
            break
        time.sleep(1)
    seen = {name: outcome_of(records.get(doc_id, {})) for name, doc_id in bad_ids.items()}
    for name, expected in EXPECTED.items():
        record = records[bad_ids[name]]
        assert seen[name] in expected, (name, seen[name], record)
        seconds = (record["status_at"] - record["uploaded_at"]).total_seconds()
        assert seconds < 30, (name, seconds)

    letters = asyncio.run(read_dead_letters(tool_settings(chaos_stack.settings)))
    invalid_topics = {letter.topic for letter in letters if letter.reason == "invalid_event"}
    assert invalid_topics >= {topics.UPLOADED, topics.EXTRACTED, topics.CLASSIFIED, topics.DLQ}
    for name, doc_id in bad_ids.items():
        if seen[name].startswith("failed"):
            assert any(letter.document_id == doc_id for letter in letters), name
