"""The shared transport on FastStream's in-memory broker: DLQ routing and the claim check."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from faststream.kafka.annotations import KafkaMessage

from shared import topics
from shared.broker import Transport
from shared.errors import PermanentError
from shared.events import ClaimCheck, DeadLetter, DocumentUploaded, ObjectRef
from shared.headers import CLAIM_CHECK_HEADER, cloudevent_headers
from shared.objectstore import aget
from shared.settings import CommonSettings
from tests.unit.kafka_fixtures import AcknowledgingTestBroker

DOC_ID = "b" * 64


def make_transport(
    tmp_path: Path,
    threshold: int = 1024 * 1024,
    *,
    max_attempts: int = 30,
    max_seconds: float = 300.0,
) -> Transport:
    settings = CommonSettings(
        object_store_url=(tmp_path / "objects").as_uri(),
        claim_check_threshold_bytes=threshold,
        retry_max_attempts=max_attempts,
        retry_max_seconds=max_seconds,
    )
    return Transport(settings, "test")


def dead_letters(transport: Transport) -> list[DeadLetter]:
    """The letters the transport sends to the DLQ, collected as the test broker delivers them."""
    letters: list[DeadLetter] = []

    @transport.broker.subscriber(topics.DLQ)
    async def collect(letter: DeadLetter) -> None:
        letters.append(letter)

    return letters


def handled_uploads(transport: Transport) -> list[DocumentUploaded]:
    """The uploaded events a handler of the transport received, decoded and accepted."""
    handled: list[DocumentUploaded] = []

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        handled.append(event)

    return handled


async def redeliver(transport: Transport, event: DocumentUploaded, headers: dict[str, str]) -> None:
    """Deliver the same message again, event id and all, as Kafka does after a failure.

    The in-memory broker gives every message the same offset, so `transport.publish`, which
    makes a new event id each time, delivers another message at that position instead.
    """
    await transport.broker.publish(
        event.model_dump_json().encode(),
        topics.UPLOADED,
        key=event.document_id.encode(),
        headers=headers,
    )


def uploaded_headers(event: DocumentUploaded) -> dict[str, str]:
    return cloudevent_headers(
        topic=topics.UPLOADED, source="ingest", subject=event.document_id, time=event.occurred_at
    )


def uploaded(filename: str = "x.pdf") -> DocumentUploaded:
    return DocumentUploaded(
        document_id=DOC_ID,
        pipeline_version="1",
        uploaded_at=datetime(2026, 1, 1, tzinfo=UTC),
        filename=filename,
        source="file:///inbox/x.pdf",
        pdf=ObjectRef(url="file:///objects/x.pdf", size=10),
    )


async def test_a_permanent_failure_goes_to_the_dlq_with_its_reason(tmp_path: Path) -> None:
    transport = make_transport(tmp_path)
    letters = dead_letters(transport)

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        raise PermanentError("cannot parse", reason="corrupt")

    async with AcknowledgingTestBroker(transport.broker):
        await transport.publish(topics.UPLOADED, uploaded(), subject=DOC_ID)

    assert len(letters) == 1
    letter = letters[0]
    assert (letter.document_id, letter.stage, letter.reason) == (DOC_ID, "test", "corrupt")
    assert letter.error_type == "PermanentError"
    assert letter.payload is not None
    kept = DocumentUploaded.model_validate_json(transport.store.get(letter.payload))
    assert (kept.document_id, kept.filename) == (DOC_ID, "x.pdf")


async def test_a_schema_invalid_event_goes_to_the_dlq(tmp_path: Path) -> None:
    transport = make_transport(tmp_path)
    letters = dead_letters(transport)
    handled = handled_uploads(transport)

    async with AcknowledgingTestBroker(transport.broker) as broker:
        await broker.publish({"document_id": "nonsense"}, topics.UPLOADED, key=b"nonsense")

    assert handled == []
    assert [letter.reason for letter in letters] == ["invalid_event"]
    assert letters[0].error_type == "ValidationError"


async def test_large_payloads_travel_by_claim_check(tmp_path: Path) -> None:
    transport = make_transport(tmp_path, threshold=200)
    received: list[tuple[DocumentUploaded, dict[str, str]]] = []

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded, msg: KafkaMessage) -> None:
        received.append((event, dict(msg.headers)))

    big = uploaded(filename="x" * 1000 + ".pdf")
    async with AcknowledgingTestBroker(transport.broker):
        await transport.publish(topics.UPLOADED, big, subject=DOC_ID)

    [(event, headers)] = received
    assert event == big
    assert headers[CLAIM_CHECK_HEADER] == "1"
    [claim] = (tmp_path / "objects" / "claims" / DOC_ID).iterdir()
    assert DocumentUploaded.model_validate_json(claim.read_bytes()) == big


async def test_a_dead_letter_keeps_a_claim_check_as_it_arrived(tmp_path: Path) -> None:
    """Its body and headers are published again on replay: the body must be the claim its
    header announces, not the payload the claim was resolved to."""
    transport = make_transport(tmp_path, threshold=200)
    letters = dead_letters(transport)

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        raise PermanentError("cannot parse", reason="corrupt")

    big = uploaded(filename="x" * 1000 + ".pdf")
    async with AcknowledgingTestBroker(transport.broker):
        await transport.publish(topics.UPLOADED, big, subject=DOC_ID)

    [letter] = letters
    assert letter.payload is not None
    assert letter.headers[CLAIM_CHECK_HEADER] == "1"
    claim = ClaimCheck.model_validate_json(transport.store.get(letter.payload))
    assert DocumentUploaded.model_validate_json(transport.store.get(claim.claim_check)) == big


def test_the_claim_reference_itself_is_small() -> None:
    ref = ObjectRef(url="file:///objects/claims/x.json", size=10**9)
    assert len(ClaimCheck(claim_check=ref).model_dump_json()) < 200


async def test_a_transient_failure_is_raised_for_redelivery(tmp_path: Path) -> None:
    transport = make_transport(tmp_path)
    letters = dead_letters(transport)

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        raise ConnectionError("database unreachable")

    async with AcknowledgingTestBroker(transport.broker):
        with pytest.raises(ConnectionError):
            await transport.publish(topics.UPLOADED, uploaded(), subject=DOC_ID)
    assert letters == []


async def test_a_dlq_spike_opens_the_breaker_and_messages_are_handed_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shared.broker.backoff_seconds", lambda attempt: 0.0)
    transport = make_transport(tmp_path)
    letters = dead_letters(transport)

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        raise PermanentError("broken deploy", reason="bug")

    breaker = transport.breaker(topics.UPLOADED)
    window = breaker.outcomes.maxlen or 0
    async with AcknowledgingTestBroker(transport.broker):
        for _ in range(window):
            await transport.publish(topics.UPLOADED, uploaded(), subject=DOC_ID)
        assert breaker.open
        with pytest.raises(Exception, match="circuit breaker is open"):
            await transport.publish(topics.UPLOADED, uploaded(), subject=DOC_ID)
    assert len(letters) == window


async def test_an_event_naming_a_host_file_goes_to_the_dlq_unread(tmp_path: Path) -> None:
    transport = make_transport(tmp_path)
    letters = dead_letters(transport)
    read: list[bytes] = []

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        read.append(await aget(transport.store, event.pdf))

    hostile = uploaded().model_copy(
        update={"pdf": ObjectRef(url="file:///etc/passwd", size=Path("/etc/passwd").stat().st_size)}
    )
    async with AcknowledgingTestBroker(transport.broker):
        await transport.publish(topics.UPLOADED, hostile, subject=DOC_ID)

    assert read == []
    [letter] = letters
    assert (letter.document_id, letter.reason, letter.error_type) == (
        DOC_ID,
        "outside_store",
        "OutsideStore",
    )
    assert "/etc/passwd" in letter.message


async def test_a_claim_check_naming_a_host_file_goes_to_the_dlq(tmp_path: Path) -> None:
    transport = make_transport(tmp_path)
    letters = dead_letters(transport)
    handled = handled_uploads(transport)

    claim = ClaimCheck(claim_check=ObjectRef(url="file:///etc/passwd", size=1))
    headers = cloudevent_headers(
        topic=topics.UPLOADED, source="test", subject=DOC_ID, time=datetime.now(UTC)
    )
    async with AcknowledgingTestBroker(transport.broker) as broker:
        await broker.publish(
            claim.model_dump_json().encode(),
            topics.UPLOADED,
            key=DOC_ID.encode(),
            headers={**headers, CLAIM_CHECK_HEADER: "1"},
        )

    assert handled == []
    assert [(letter.document_id, letter.reason) for letter in letters] == [
        (DOC_ID, "outside_store")
    ]


async def test_a_tampered_claim_goes_to_the_dlq(tmp_path: Path) -> None:
    transport = make_transport(tmp_path, threshold=200)
    letters = dead_letters(transport)
    handled = handled_uploads(transport)

    original = uploaded(filename="x" * 1000 + ".pdf")
    ref = transport.store.put("claims/tampered.json", original.model_dump_json().encode())
    forged = uploaded(filename="y" * 1000 + ".pdf").model_dump_json().encode()
    Path(ref.url.removeprefix("file://")).write_bytes(forged)
    headers = cloudevent_headers(
        topic=topics.UPLOADED, source="test", subject=DOC_ID, time=datetime.now(UTC)
    )
    async with AcknowledgingTestBroker(transport.broker) as broker:
        await broker.publish(
            ClaimCheck(claim_check=ref).model_dump_json().encode(),
            topics.UPLOADED,
            key=DOC_ID.encode(),
            headers={**headers, CLAIM_CHECK_HEADER: "1"},
        )

    assert handled == []
    assert [letter.reason for letter in letters] == ["object_mismatch"]


async def test_a_message_failing_transiently_ends_in_the_dlq_after_its_attempts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shared.broker.backoff_seconds", lambda attempt: 0.0)
    transport = make_transport(tmp_path, max_attempts=3)
    letters = dead_letters(transport)
    deliveries: list[str] = []

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        deliveries.append(event.document_id)
        raise ConnectionError("database unreachable")

    event = uploaded()
    headers = uploaded_headers(event)
    async with AcknowledgingTestBroker(transport.broker):
        for _ in range(2):
            with pytest.raises(ConnectionError):
                await redeliver(transport, event, headers)
        assert letters == []
        await redeliver(transport, event, headers)

    assert len(deliveries) == 3
    [letter] = letters
    assert (letter.document_id, letter.reason, letter.error_type) == (
        DOC_ID,
        "retries_exhausted",
        "ConnectionError",
    )
    assert "after 3 attempts" in letter.message
    assert "database unreachable" in letter.message
    assert letter.payload is not None
    kept = DocumentUploaded.model_validate_json(transport.store.get(letter.payload))
    assert kept.document_id == DOC_ID
    assert transport.retries.failures == {}
    assert transport.attempts == {}


def on_a_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Transport, list[DeadLetter], list[float]]:
    """A transport whose retry budget is 60 s on a clock the test moves, without backoff."""
    monkeypatch.setattr("shared.broker.backoff_seconds", lambda attempt: 0.0)
    transport = make_transport(tmp_path, max_seconds=60.0)
    now = [1000.0]
    transport.retries.clock = lambda: now[0]
    return transport, dead_letters(transport), now


async def test_a_message_failing_transiently_ends_in_the_dlq_after_its_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport, letters, now = on_a_clock(tmp_path, monkeypatch)

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        raise FileNotFoundError("documents/x.pdf")

    event = uploaded()
    headers = uploaded_headers(event)
    async with AcknowledgingTestBroker(transport.broker):
        with pytest.raises(FileNotFoundError):
            await redeliver(transport, event, headers)
        now[0] += 59.0
        with pytest.raises(FileNotFoundError):
            await redeliver(transport, event, headers)
        now[0] += 1.0
        await redeliver(transport, event, headers)

    assert [(letter.reason, letter.error_type) for letter in letters] == [
        ("retries_exhausted", "FileNotFoundError")
    ]


async def test_a_success_between_failures_restores_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shared.broker.backoff_seconds", lambda attempt: 0.0)
    transport = make_transport(tmp_path, max_attempts=2)
    letters = dead_letters(transport)
    outcomes = iter([ConnectionError("down"), None, ConnectionError("down"), None])

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        failure = next(outcomes)
        if failure is not None:
            raise failure

    event = uploaded()
    headers = uploaded_headers(event)
    async with AcknowledgingTestBroker(transport.broker):
        for _ in range(2):
            with pytest.raises(ConnectionError):
                await redeliver(transport, event, headers)
            await redeliver(transport, event, headers)
    assert letters == []


async def test_another_message_at_a_failed_position_has_a_budget_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broker that lost its log gives the lost offsets to new messages: the failures of the
    message that is gone must not count against the one found there now."""
    transport, letters, now = on_a_clock(tmp_path, monkeypatch)

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        raise ConnectionError("broker unreachable")

    async with AcknowledgingTestBroker(transport.broker):
        lost = uploaded("lost.pdf")
        with pytest.raises(ConnectionError):
            await redeliver(transport, lost, uploaded_headers(lost))
        now[0] += 120.0
        new = uploaded("new.pdf")
        with pytest.raises(ConnectionError):
            await redeliver(transport, new, uploaded_headers(new))
    assert letters == []


async def test_messages_held_back_by_the_breaker_do_not_use_up_their_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shared.broker.backoff_seconds", lambda attempt: 0.0)
    transport = make_transport(tmp_path, max_attempts=2)
    letters = dead_letters(transport)

    @transport.subscriber(topics.UPLOADED, group="g")
    async def handle(event: DocumentUploaded) -> None:
        pass

    transport.breaker(topics.UPLOADED).trip()
    async with AcknowledgingTestBroker(transport.broker):
        for _ in range(5):
            with pytest.raises(Exception, match="circuit breaker is open"):
                await transport.publish(topics.UPLOADED, uploaded(), subject=DOC_ID)
    assert letters == []
