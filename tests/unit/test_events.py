from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared import topics
from shared.events import EVENTS, DocumentUploaded, ObjectRef, is_document_id

DOC_ID = "a" * 64


def uploaded(**changes: object) -> DocumentUploaded:
    fields: dict[str, object] = {
        "document_id": DOC_ID,
        "pipeline_version": "1",
        "uploaded_at": datetime(2026, 1, 1, tzinfo=UTC),
        "source": "file:///inbox/x.pdf",
        "pdf": ObjectRef(url="file:///objects/x.pdf", size=10),
    }
    fields.update(changes)
    return DocumentUploaded.model_validate(fields)


def test_events_round_trip_through_json() -> None:
    event = uploaded()
    assert DocumentUploaded.model_validate_json(event.model_dump_json()) == event
    assert event.schema_version == 1


@pytest.mark.parametrize(
    "changes",
    [{"document_id": "not-a-hash"}, {"schema_version": 2}, {"unexpected": 1}, {"pdf": None}],
)
def test_schema_invalid_events_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        uploaded(**changes)


def test_every_topic_has_one_event_model() -> None:
    assert set(EVENTS) == set(topics.ALL)
    assert all(name.endswith(".v1") for name in topics.ALL)


def test_document_ids_are_sha256_hex() -> None:
    assert is_document_id(DOC_ID)
    assert not is_document_id(None)
    assert not is_document_id("A" * 64)
    assert not is_document_id("a" * 63)
