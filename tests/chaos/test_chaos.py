"""Chaos on the embedded stack, counted as a downstream consumer sees it.

One stack, with the production reconcile settings, serves every scenario. A consumer follows
the structured topic from its beginning for the whole run, as a downstream system would (it
rewinds when the broker lost data), and records every arrival per document id and pipeline
version. Each scenario submits 100 fresh documents and does its damage while they are in
flight: SIGKILL of one service, repeated, each time with a message in that stage (seen from
its in-process metric, or for ingest from files that have no record yet); SIGKILL of the
database while store has a message in hand, held down for 20 s; SIGKILL of the broker, which
loses everything; hostile files; schema-invalid events on every topic.

A scenario passes when every document is stored in MongoDB and on the topic (read again from
the beginning), nothing of it was dead-lettered, and its duplicates stay within what the
README promises: at-least-once, always the same document; a crash of store (or of the
database) between the broker's acknowledgement and store's record of it delivers that
document again, and a broker's loss of data delivers again each document stored before it,
once. The suite ends with a table: scenario, documents in, stored, lost in MongoDB and on
the topic, duplicates and how many were allowed, DLQ, and the seconds from the fault until
every document is stored and on the topic; then what explains the figures: each document
not stored with its record, each dead letter with its reason, and up to five documents per
scenario that arrived more than once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import signal
import threading
import time
import urllib.error
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord
from pymongo import AsyncMongoClient

from pcflow.dlq import read_dead_letters
from pcflow.health import STAGE_INPUT, metric_samples
from pcflow.settings import tool_settings
from pcflow.stack import SERVICES, Stack, StackSettings, free_port, free_port_block
from samples.make_samples import make_sample
from shared import topics
from shared.events import ClaimCheck
from shared.headers import CLAIM_CHECK_HEADER
from shared.objectstore import open_store
from tests.e2e.test_pipeline import drop

DOCUMENTS = 100
TIMEOUT = 300.0
# a stage is killed after these documents of the stream were dropped
KILL_AT = (30, 65)
PACE_SECONDS = 0.15
# files dropped at once before ingest is killed
BURST = 10
DATABASE_DOWN_SECONDS = 20.0

Key = tuple[str, str]  # document id, pipeline version


@dataclass(frozen=True)
class Arrival:
    at: float
    key: Key
    # SHA-256 of the document as published: a duplicate must be the same document
    digest: str


class Follower:
    """A downstream consumer of the structured topic, in a thread of its own.

    It reads without a group and keeps its position itself; when a partition's log ends
    before that position, the broker lost data and it reads the partition again from the
    start, as the README tells consumers to do.
    """

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.arrivals: list[Arrival] = []
        # what has arrived since the last rewind: what the topic holds, as far as read
        self.present: set[Key] = set()
        self.positions: dict[int, int] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self.follow()), daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)

    def snapshot(self) -> tuple[list[Arrival], set[Key]]:
        with self.lock:
            return list(self.arrivals), set(self.present)

    async def follow(self) -> None:
        while not self.stopping.is_set():
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.stack.settings.bootstrap,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                fetch_max_wait_ms=100,
            )
            try:
                await consumer.start()
                await self.consume(consumer)
            except Exception:
                await asyncio.sleep(0.5)
            finally:
                await consumer.stop()

    async def consume(self, consumer: AIOKafkaConsumer) -> None:
        numbers = consumer.partitions_for_topic(topics.STRUCTURED)
        if not numbers:
            await asyncio.sleep(0.5)
            return
        partitions = [TopicPartition(topics.STRUCTURED, p) for p in sorted(numbers)]
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, self.positions.get(tp.partition, 0))
        while not self.stopping.is_set():
            batch = await consumer.getmany(timeout_ms=300)
            ends = await consumer.end_offsets(partitions)
            if any(
                ends[tp] < self.positions.get(tp.partition, 0)
                or any(r.offset < self.positions.get(tp.partition, 0) for r in batch.get(tp, []))
                for tp in partitions
            ):
                # the log was cut below our position (or the client reset to its start
                # on its own): read every partition again
                with self.lock:
                    self.present.clear()
                for tp in partitions:
                    self.positions[tp.partition] = 0
                    consumer.seek(tp, 0)
                continue
            for tp, records in batch.items():
                for record in records:
                    self.arrive(record)
                    self.positions[tp.partition] = record.offset + 1

    def arrive(self, record: ConsumerRecord[bytes, bytes]) -> None:
        event = decode(self.stack, record)
        if event is None:
            return
        key = (event["document_id"], event["pipeline_version"])
        digest = hashlib.sha256(json.dumps(event["document"], sort_keys=True).encode()).digest()
        with self.lock:
            self.arrivals.append(Arrival(time.monotonic(), key, digest.hex()))
            self.present.add(key)


def decode(stack: Stack, record: ConsumerRecord[bytes, bytes]) -> dict[str, Any] | None:
    """The structured event of a record, its claim check resolved; None for anything else
    (the garbage the schema scenario publishes)."""
    try:
        body = json.loads(record.value or b"")
        if dict(record.headers or ()).get(CLAIM_CHECK_HEADER):
            ref = ClaimCheck.model_validate(body).claim_check
            body = json.loads(open_store((stack.var / "objects").as_uri()).get(ref))
    except ValueError:
        return None
    if not isinstance(body, dict) or not {"document_id", "pipeline_version"} <= body.keys():
        return None
    return body


async def read_topic(stack: Stack) -> set[Key]:
    """Every structured document the topic holds now, read from the beginning."""
    consumer = AIOKafkaConsumer(bootstrap_servers=stack.settings.bootstrap)
    await consumer.start()
    try:
        numbers = consumer.partitions_for_topic(topics.STRUCTURED) or set()
        partitions = [TopicPartition(topics.STRUCTURED, p) for p in numbers]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: set[Key] = set()
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    if (event := decode(stack, record)) is not None:
                        found.add((event["document_id"], event["pipeline_version"]))
        return found
    finally:
        await consumer.stop()


@dataclass
class Outcome:
    scenario: str
    documents_in: int
    stored: int
    lost_database: int
    lost_topic: int
    duplicates: int
    allowed_duplicates: int
    dlq: int
    recover_seconds: float
    # what explains a failure: each document not stored, each dead letter of the scenario,
    # each document that arrived more often than allowed
    notes: list[str] = field(default_factory=list)


@dataclass
class Chaos:
    stack: Stack
    follower: Follower
    # every document stored so far, over all scenarios: each must stay on the topic
    stored: set[Key] = field(default_factory=set)


RESULTS: list[Outcome] = []


@pytest.fixture(scope="module")
def chaos(tmp_path_factory: pytest.TempPathFactory, samples: Path) -> Iterator[Chaos]:
    """The stack with the production reconcile settings, warmed by one document that has
    gone all the way, so every consumer has joined its group before the first fault."""
    settings = StackSettings(
        var_dir=tmp_path_factory.mktemp("chaos") / "var",
        kafka_port=free_port(),
        mongo_port=free_port(),
        metrics_port_base=free_port_block(20),
        web_port=free_port(),
    )
    stack = Stack(settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PCFLOW_OCR", "false")
        stack.up()
    print(f"\nchaos stack in {stack.var}")
    follower = Follower(stack)
    follower.start()
    state = Chaos(stack, follower)
    try:
        warm = drop(stack, next(iter(sorted(samples.glob("*.pdf")))))
        recovered_after(state, [warm], time.monotonic())
        yield state
    finally:
        follower.stop()
        stack.down()
        print_table()


def print_table() -> None:
    header = (
        f"{'scenario':<26}{'in':>5}{'stored':>8}{'lost db':>9}{'lost topic':>12}"
        f"{'dupl.':>7}{'allowed':>9}{'DLQ':>5}{'recover s':>11}"
    )
    lines = [header, "-" * len(header)]
    for r in RESULTS:
        lines.append(
            f"{r.scenario:<26}{r.documents_in:>5}{r.stored:>8}{r.lost_database:>9}"
            f"{r.lost_topic:>12}{r.duplicates:>7}{r.allowed_duplicates:>9}{r.dlq:>5}"
            f"{r.recover_seconds:>11.1f}"
        )
    lines += [f"{r.scenario}: {note}" for r in RESULTS for note in r.notes]
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
                {
                    "document_id": 1,
                    "pipeline_version": 1,
                    "status": 1,
                    "reason": 1,
                    "uploaded_at": 1,
                    "status_at": 1,
                },
            )
        ]
    finally:
        await client.close()


async def bodies_of(stack: Stack, ids: list[str]) -> set[str]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value(), serverSelectionTimeoutMS=3000
    )
    try:
        return {
            r["document_id"]
            async for r in client.pcflow.structured.find(
                {"document_id": {"$in": ids}}, {"document_id": 1}
            )
        }
    finally:
        await client.close()


async def stored_since(stack: Stack, moment: datetime) -> set[str]:
    """Every document, of any scenario, whose record says it was stored at or before
    `moment`."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value(), serverSelectionTimeoutMS=3000
    )
    try:
        return {
            r["document_id"]
            async for r in client.pcflow.documents.find(
                {"stages.stored": {"$lte": moment}}, {"document_id": 1}
            )
        }
    finally:
        await client.close()


async def explain_missing(stack: Stack, ids: list[str]) -> list[str]:
    """For each document not stored: its record as MongoDB has it (status, the time of each
    stage, the failure reason, where its events landed) and whether its body is there."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value(), serverSelectionTimeoutMS=3000
    )
    fields = (
        "status",
        "status_at",
        "stages",
        "reason",
        "failed_stage",
        "error_type",
        "uploaded_message",
        "structured_message",
    )
    try:
        records = {
            r["document_id"]: r
            async for r in client.pcflow.documents.find(
                {"document_id": {"$in": ids}}, {"document_id": 1, **dict.fromkeys(fields, 1)}
            )
        }
        bodies = await bodies_of(stack, ids)
    finally:
        await client.close()
    return [
        f"not stored {doc_id[:12]}: body {'present' if doc_id in bodies else 'absent'}, "
        f"record { ({k: records[doc_id].get(k) for k in fields} if doc_id in records else None) }"
        for doc_id in ids
    ]


def stored_records(stack: Stack, ids: list[str]) -> list[dict[str, Any]]:
    """The records of `ids` that say stored and whose body is there; none while the database
    is away."""
    try:
        bodies = asyncio.run(bodies_of(stack, ids))
        return [
            r
            for r in asyncio.run(records_of(stack, ids))
            if r.get("status") == "stored" and r["document_id"] in bodies
        ]
    except Exception:
        return []


def recovered_after(chaos: Chaos, ids: list[str], fault: float) -> float:
    """Seconds from `fault` until every document of `ids` is stored and every document
    stored so far is on the topic as the follower reads it; the time limit when never."""
    deadline = fault + TIMEOUT
    while time.monotonic() < deadline:
        records = stored_records(chaos.stack, ids)
        if len(records) == len(ids):
            expected = chaos.stored | {(r["document_id"], r["pipeline_version"]) for r in records}
            if expected <= chaos.follower.snapshot()[1]:
                chaos.stored = expected
                return time.monotonic() - fault
        time.sleep(0.5)
    return TIMEOUT


def in_process(stack: Stack, service: str) -> float:
    """Messages the service's handler holds now, from its metrics; 0 while it is down."""
    try:
        samples = metric_samples(stack.settings.metrics_ports()[service], timeout=1)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0.0
    return sum(
        s.value
        for s in samples
        if s.name == "faststream_received_messages_in_process"
        and s.labels.get("handler") == STAGE_INPUT[service]
    )


# A fault done now, or not yet (None): its moment has not come; the time when done.
Fault = Callable[[Stack, list[str]], float | None]
Damage = Callable[[Stack, list[Path]], tuple[list[str], float]]


def kill_in_flight(service: str) -> Fault:
    """SIGKILL `service` once its metrics show a message in its handler."""

    def kill(stack: Stack, ids: list[str]) -> float | None:
        if in_process(stack, service) < 1:
            return None
        stack.kill(service, signal.SIGKILL)  # the supervisor starts it again
        return time.monotonic()

    return kill


def drop_all(stack: Stack, paths: list[Path]) -> list[str]:
    return [drop(stack, path) for path in paths]


def stream(stack: Stack, paths: list[Path], faults: dict[int, Fault]) -> tuple[list[str], float]:
    """Drop the documents one by one at a steady pace, so each stage has work throughout.

    The fault at an index is armed once that document was dropped and is tried while the
    stream goes on, until it is done; the time of the last fault.
    """
    ids: list[str] = []
    armed: list[Fault] = []
    fault = 0.0

    def try_faults(until: float) -> None:
        nonlocal fault
        while time.monotonic() < until:
            if armed and (done := armed[0](stack, ids)) is not None:
                fault = done
                armed.pop(0)
            time.sleep(0.01)

    for index, path in enumerate(paths):
        ids.append(drop(stack, path))
        if index in faults:
            armed.append(faults[index])
        try_faults(time.monotonic() + PACE_SECONDS)
    deadline = time.monotonic() + 120
    while armed and time.monotonic() < deadline:
        try_faults(time.monotonic() + PACE_SECONDS)
    assert not armed, "a fault never found its moment"
    return ids, fault


def kill_stage(service: str) -> Damage:
    """SIGKILL the stage with a message in its handler, early and late in the stream."""
    kill = kill_in_flight(service)
    return lambda stack, paths: stream(stack, paths, dict.fromkeys(KILL_AT, kill))


def unrecorded(stack: Stack, ids: list[str]) -> set[str]:
    return set(ids) - {r["document_id"] for r in asyncio.run(records_of(stack, ids))}


def kill_ingest(stack: Stack, paths: list[Path]) -> tuple[list[str], float]:
    """At each kill, files arrive in bursts until ingest is seen with some of a burst not yet
    recorded (in its hands or waiting for them); then it is killed."""
    ids: list[str] = []
    fault = 0.0
    pending = list(paths)
    kills = list(KILL_AT)
    while pending:
        if kills and len(ids) > kills[0]:
            kills.pop(0)
            while pending:
                burst, pending = pending[:BURST], pending[BURST:]
                ids += drop_all(stack, burst)
                if unrecorded(stack, ids[-BURST:]):
                    stack.kill("ingest", signal.SIGKILL)
                    fault = time.monotonic()
                    break
            else:
                pytest.fail("ingest never had a file in flight")
        if pending:
            ids.append(drop(stack, pending.pop(0)))
            time.sleep(PACE_SECONDS)
    return ids, fault


def kill_database(stack: Stack, paths: list[Path]) -> tuple[list[str], float]:
    """SIGKILL of the database while store has a message in its handler, so that the writes
    the database acknowledged last, which a killed database may lose, are likely store's."""

    def outage(stack: Stack, ids: list[str]) -> float | None:
        if in_process(stack, "store") < 1:
            return None
        with stack.held("database"):
            stack.kill("database", signal.SIGKILL)
            fault = time.monotonic()
            time.sleep(DATABASE_DOWN_SECONDS)
        return fault

    return stream(stack, paths, {KILL_AT[0]: outage})


@dataclass
class BrokerLoss:
    """SIGKILL of the broker; the supervisor starts it again, empty: every topic lost its
    messages. Remembers which documents were stored before the kill: each may reach a
    consumer once more, and no other document may."""

    killed_at: datetime | None = None
    stored_before: set[str] = field(default_factory=set)

    def damage(self, stack: Stack, paths: list[Path]) -> tuple[list[str], float]:
        def loss(stack: Stack, ids: list[str]) -> float:
            stack.kill("broker", signal.SIGKILL)
            self.killed_at = datetime.now(UTC)
            # read at once, before a document in store's hands moves its stored time on
            self.stored_before = asyncio.run(stored_since(stack, self.killed_at))
            return time.monotonic()

        return stream(stack, paths, {KILL_AT[0]: loss})

    def allowed_duplicates(self, stack: Stack) -> int:
        """The documents stored before the kill: those read now and those read at the kill.
        A document stored then that store had not yet published may be published twice,
        by its handler and by the loss check, and reaches a consumer at most twice too."""
        assert self.killed_at is not None
        return len(self.stored_before | asyncio.run(stored_since(stack, self.killed_at)))


def run_scenario(
    chaos: Chaos,
    tmp_path: Path,
    name: str,
    damage: Damage,
    allowed_duplicates: Callable[[], int] = lambda: 0,
) -> Outcome:
    """Submit a batch, do the damage, wait for recovery, and count. `allowed_duplicates` is
    asked after the recovery, when what the fault cost can be read from MongoDB."""
    paths = make_batch(tmp_path / name, name)
    started = time.monotonic()
    ids, fault = damage(chaos.stack, paths)
    recover_seconds = recovered_after(chaos, ids, fault)
    ended = time.monotonic()

    stored_ids = {r["document_id"] for r in stored_records(chaos.stack, ids)}
    on_topic = asyncio.run(read_topic(chaos.stack))
    arrivals, _ = chaos.follower.snapshot()
    letters = [
        letter
        for letter in asyncio.run(read_dead_letters(tool_settings(chaos.stack.settings)))
        if letter.document_id in set(ids)
    ]
    duplicated = duplicates_between(arrivals, started, ended)
    missing = sorted(set(ids) - stored_ids)
    notes = [
        *(asyncio.run(explain_missing(chaos.stack, missing)) if missing else []),
        *(
            f"dead letter {letter.document_id!s:.12}: stage {letter.stage}, topic "
            f"{letter.topic}, {letter.reason}, {letter.error_type}: {letter.message[:300]}"
            for letter in letters
        ),
        *(
            f"arrived {count + 1} times {doc_id[:12]} ({version})"
            for (doc_id, version), count in duplicated.most_common(5)
        ),
    ]
    outcome = Outcome(
        scenario=name,
        documents_in=len(ids),
        stored=len(stored_ids),
        lost_database=len(missing),
        lost_topic=len(chaos.stored - on_topic),
        duplicates=duplicated.total(),
        allowed_duplicates=allowed_duplicates(),
        dlq=len(letters),
        recover_seconds=recover_seconds,
        notes=notes,
    )
    RESULTS.append(outcome)
    assert_same_documents(arrivals)
    assert_all_running(chaos.stack)
    return outcome


def duplicates_between(arrivals: list[Arrival], start: float, end: float) -> Counter[Key]:
    """Per document (and version): its arrivals within the scenario after its first one."""
    seen: set[Key] = set()
    duplicates: Counter[Key] = Counter()
    for arrival in arrivals:
        if start <= arrival.at <= end and arrival.key in seen:
            duplicates[arrival.key] += 1
        seen.add(arrival.key)
    return duplicates


def assert_same_documents(arrivals: list[Arrival]) -> None:
    """A document delivered again is the same document: a consumer that keeps the last one
    per id and version ends with the same data."""
    digests: dict[Key, set[str]] = {}
    for arrival in arrivals:
        digests.setdefault(arrival.key, set()).add(arrival.digest)
    assert all(len(d) == 1 for d in digests.values())


def assert_all_running(stack: Stack) -> None:
    running = {**stack.running(), "supervisor": stack.pid("supervisor")}
    assert all(running[name] for name in (*SERVICES, "supervisor")), running


def assert_nothing_lost(outcome: Outcome) -> None:
    explained = "\n".join([str(outcome), *outcome.notes])
    assert outcome.stored == DOCUMENTS, explained
    assert outcome.lost_database == 0, explained
    assert outcome.lost_topic == 0, explained
    assert outcome.dlq == 0, explained
    assert outcome.duplicates <= outcome.allowed_duplicates, explained
    assert outcome.recover_seconds < TIMEOUT, explained


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_killed_in_flight_loses_nothing(
    chaos: Chaos, tmp_path: Path, service: str
) -> None:
    """Only store can deliver twice: killed after the broker took its event and before it
    recorded so, it publishes the redelivered document again."""
    damage = kill_ingest if service == "ingest" else kill_stage(service)
    allowed = len(KILL_AT) if service == "store" else 0
    outcome = run_scenario(chaos, tmp_path, f"sigkill-{service}", damage, lambda: allowed)
    assert_nothing_lost(outcome)


def test_a_database_killed_for_20_s_loses_nothing(chaos: Chaos, tmp_path: Path) -> None:
    """Store may deliver once twice: the database went away after the event was published
    and before store recorded it."""
    outcome = run_scenario(chaos, tmp_path, "sigkill-database-20s", kill_database, lambda: 1)
    assert_nothing_lost(outcome)


def test_a_broker_that_lost_its_data_gets_every_stored_document_again(
    chaos: Chaos, tmp_path: Path
) -> None:
    """Every document stored before the loss is published again, so a consumer that had read
    it gets it twice; a document stored after the loss arrives once."""
    loss = BrokerLoss()
    outcome = run_scenario(
        chaos,
        tmp_path,
        "sigkill-broker-data-lost",
        loss.damage,
        lambda: loss.allowed_duplicates(chaos.stack),
    )
    assert_nothing_lost(outcome)


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


def test_schema_invalid_events_go_to_the_dlq_and_the_pipeline_goes_on(
    chaos: Chaos, tmp_path: Path
) -> None:
    def garbage_midway(stack: Stack, paths: list[Path]) -> tuple[list[str], float]:
        ids = drop_all(stack, paths[: DOCUMENTS // 4])
        asyncio.run(publish_garbage(stack))
        fault = time.monotonic()
        return ids + drop_all(stack, paths[DOCUMENTS // 4 :]), fault

    assert_nothing_lost(run_scenario(chaos, tmp_path, "schema-invalid-events", garbage_midway))
    letters = asyncio.run(read_dead_letters(tool_settings(chaos.stack.settings)))
    invalid_topics = {letter.topic for letter in letters if letter.reason == "invalid_event"}
    assert invalid_topics >= {topics.UPLOADED, topics.EXTRACTED, topics.CLASSIFIED, topics.DLQ}


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
    chaos: Chaos, tmp_path: Path, corpus: Path
) -> None:
    bad = {path.name: path for path in sorted((corpus / "bad").glob("*.pdf"))}
    assert set(bad) == set(EXPECTED)
    bad_ids: dict[str, str] = {}

    def bad_files_midway(stack: Stack, paths: list[Path]) -> tuple[list[str], float]:
        ids = drop_all(stack, paths[: DOCUMENTS // 4])
        for name, path in bad.items():
            bad_ids[name] = drop(stack, path)
        fault = time.monotonic()
        return ids + drop_all(stack, paths[DOCUMENTS // 4 :]), fault

    assert_nothing_lost(run_scenario(chaos, tmp_path, "hostile-input", bad_files_midway))

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        records = {
            r["document_id"]: r
            for r in asyncio.run(records_of(chaos.stack, list(bad_ids.values())))
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

    letters = asyncio.run(read_dead_letters(tool_settings(chaos.stack.settings)))
    for name, doc_id in bad_ids.items():
        if seen[name].startswith("failed"):
            assert any(letter.document_id == doc_id for letter in letters), name
