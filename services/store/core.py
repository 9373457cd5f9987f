"""What store writes to MongoDB, derived purely from events.

Two collections: `documents` holds each document's status and a summary, small records that
are updated at every stage; `structured` holds the structured document itself, written once
per pipeline run. Keeping the large body out of the often-updated record spares the database
from rewriting megabytes for every status change.

A very long report can outgrow MongoDB's 16 MiB document limit; its body then goes to the
object store and the record keeps the reference, so such a document is stored, not retried
forever.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import bson

from shared.documents import StructuredDocument
from shared.events import DeadLetter, DocumentClassified, DocumentStructured, ObjectRef
from shared.status import STRUCTURED_MESSAGE

MAX_INLINE_BYTES = 12 * 1024 * 1024


def by_reference(record: dict[str, Any], ref: ObjectRef) -> dict[str, Any]:
    """The record of a document too large to hold inline: everything but the document body."""
    return {**record, "document": None, "document_ref": ref.model_dump()}


def structured_record(event: DocumentClassified) -> dict[str, Any]:
    """The `structured` collection's record: the document as consumers read it."""
    return {
        "document_id": event.document_id,
        "pipeline_version": event.pipeline_version,
        "document": event.document.model_dump(mode="json"),
    }


def document_fields(event: DocumentClassified) -> dict[str, Any]:
    """Summary fields of the status record; the same event always yields the same fields."""
    document = event.document
    return {
        "filename": event.filename or document.filename,
        "pipeline_version": event.pipeline_version,
        "uploaded_at": event.uploaded_at,
        "info": document.info.model_dump(mode="json"),
        "page_count": document.page_count,
        "counts": {
            "paragraphs": len(document.paragraphs),
            "needs_review": sum(p.needs_review for p in document.paragraphs),
            "financial_lines": len(document.financial_lines),
            "tables": len(document.tables),
            "sections": len(document.sections),
        },
    }


def inline_fits(record: dict[str, Any], limit: int = MAX_INLINE_BYTES) -> bool:
    """Whether the record stays well under MongoDB's 16 MiB document limit."""
    return len(bson.encode(record)) <= limit


def failure_fields(letter: DeadLetter) -> dict[str, Any]:
    return {
        "error_type": letter.error_type,
        "failed_stage": letter.stage,
        "dead_letter_id": letter.dead_letter_id,
    }


def end_to_end_seconds(uploaded_at: datetime, stored_at: datetime) -> float:
    return max(0.0, (stored_at - uploaded_at).total_seconds())


def already_published(record: dict[str, Any] | None, pipeline_version: str) -> bool:
    """Whether the structured event of this version was published and its landing recorded:
    a redelivered classified event (store died after publishing, before committing) is then
    not published a second time."""
    sent = (record or {}).get(STRUCTURED_MESSAGE)
    return isinstance(sent, dict) and sent.get("pipeline_version") == pipeline_version


def republication(record: dict[str, Any], document: StructuredDocument) -> DocumentStructured:
    """The structured event of a stored document again, from its status record and the body
    as stored: the same lineage and `stored_at` as the first time, so a consumer that saw both
    can tell they are one. The time the status became stored stands in for a record that lost
    its stage times (a database killed between store's two writes kept only the second)."""
    stages = record.get("stages") or {}
    return DocumentStructured(
        document_id=record["document_id"],
        pipeline_version=document.pipeline_version,
        uploaded_at=record["uploaded_at"],
        filename=record.get("filename") or document.filename,
        stored_at=stages.get("stored") or record["status_at"],
        document=document,
    )


def unpublished_due(
    records: Iterable[dict[str, Any]],
    *,
    now: datetime,
    stale_after: timedelta,
    input_lost: bool,
) -> list[str]:
    """Stored documents, never published, to publish now.

    Store publishes right after its write, or retries until the broker takes it; a stored
    document still unpublished long after (`stale_after`) lost its classified event. When
    that input is known to be lost (`input_lost`: the broker lost data, so the classified
    event went with its log; or the database restarted and may have lost the note that the
    event was published), every one stored before this check is taken at once. A handler
    that was about to publish it anyway makes a duplicate, never a loss.
    """
    cutoff = now if input_lost else now - stale_after
    return [r["document_id"] for r in records if r["status_at"] < cutoff]
