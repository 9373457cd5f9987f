from datetime import UTC, datetime, timedelta

from services.store.core import (
    already_published,
    by_reference,
    document_fields,
    end_to_end_seconds,
    inline_fits,
    republication,
    structured_record,
    unpublished_due,
)
from shared.documents import Paragraph, StructuredDocument
from shared.events import DocumentClassified, ObjectRef

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def classified(paragraphs: int) -> DocumentClassified:
    text = "De gemeente ondersteunt inwoners bij werk en inkomen. " * 20
    document = StructuredDocument(
        document_id="a" * 64,
        pipeline_version="1",
        page_count=1,
        paragraphs=[
            Paragraph(
                text=text,
                label="activiteit",
                confidence=0.9 if index % 2 else 0.4,
                needs_review=not index % 2,
                evidence="cue",
                page=1,
            )
            for index in range(paragraphs)
        ],
    )
    return DocumentClassified(
        document_id="a" * 64, pipeline_version="1", uploaded_at=T0, document=document
    )


def test_the_status_record_summarises_the_event() -> None:
    fields = document_fields(classified(3))
    assert fields["pipeline_version"] == "1"
    assert fields["uploaded_at"] == T0
    assert fields["page_count"] == 1
    assert fields["counts"] == {
        "paragraphs": 3,
        "needs_review": 2,
        "financial_lines": 0,
        "tables": 0,
        "sections": 0,
    }


def test_the_upload_name_wins_over_the_name_inside_the_document() -> None:
    event = classified(1)
    event.document.filename = "inside.pdf"
    assert document_fields(event)["filename"] == "inside.pdf"
    event.filename = "uploaded.pdf"
    assert document_fields(event)["filename"] == "uploaded.pdf"


def test_the_status_record_stays_small_whatever_the_document() -> None:
    assert "document" not in document_fields(classified(20_000))
    assert inline_fits(document_fields(classified(20_000)), limit=4096)


def test_an_oversized_document_is_stored_by_reference() -> None:
    small, large = structured_record(classified(3)), structured_record(classified(20_000))
    assert inline_fits(small)
    assert not inline_fits(large)
    ref = ObjectRef(url="file:///objects/structured/a.json", size=1)
    record = by_reference(large, ref)
    assert record["document"] is None
    assert record["document_ref"]["url"] == ref.url
    assert inline_fits(record)


def test_end_to_end_latency_is_never_negative() -> None:
    assert end_to_end_seconds(T0, T0 + timedelta(seconds=3)) == 3
    assert end_to_end_seconds(T0 + timedelta(seconds=1), T0) == 0


def test_a_redelivered_event_is_not_published_again_for_the_same_version() -> None:
    record = {"structured_message": {"pipeline_version": "1", "partition": 0, "offset": 3}}
    assert already_published(record, "1")
    assert not already_published(record, "2")
    assert not already_published({"document_id": "a" * 64}, "1")
    assert not already_published(None, "1")


def test_a_republished_event_keeps_the_lineage_and_time_of_the_first() -> None:
    event = classified(2)
    stored_at = T0 + timedelta(seconds=9)
    record = {
        "document_id": event.document_id,
        "uploaded_at": T0,
        "filename": "x.pdf",
        "stages": {"stored": stored_at},
    }
    again = republication(record, event.document)
    assert (again.document_id, again.pipeline_version) == (event.document_id, "1")
    assert (again.uploaded_at, again.stored_at, again.filename) == (T0, stored_at, "x.pdf")
    assert again.document == event.document


def test_a_record_that_lost_its_stage_times_is_published_with_its_status_time() -> None:
    event = classified(1)
    status_at = T0 + timedelta(seconds=5)
    record = {
        "document_id": event.document_id,
        "uploaded_at": T0,
        "stages": {"uploaded": T0},
        "status": "stored",
        "status_at": status_at,
    }
    assert republication(record, event.document).stored_at == status_at


def test_an_unpublished_document_waits_until_stale_unless_the_broker_lost_data() -> None:
    now = T0 + timedelta(hours=1)
    records = [
        {"document_id": "recent", "status_at": now - timedelta(seconds=30)},
        {"document_id": "old", "status_at": now - timedelta(hours=1)},
    ]
    stale = timedelta(minutes=15)
    assert unpublished_due(records, now=now, stale_after=stale, input_lost=False) == ["old"]
    assert unpublished_due(records, now=now, stale_after=stale, input_lost=True) == [
        "recent",
        "old",
    ]
