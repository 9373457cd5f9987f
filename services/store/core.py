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

from datetime import datetime
from typing import Any

import bson

from shared.events import DeadLetter, DocumentClassified, ObjectRef

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
