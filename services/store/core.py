"""What store writes: the MongoDB fields of a structured document, derived purely from events.

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


def by_reference(fields: dict[str, Any], ref: ObjectRef) -> dict[str, Any]:
    """The record of a document too large to hold inline: everything but the document body."""
    return {**fields, "document": None, "document_ref": ref.model_dump()}


def document_fields(event: DocumentClassified) -> dict[str, Any]:
    """Fields set on the document's record; the same event always yields the same fields."""
    document = event.document
    return {
        "filename": event.filename or document.filename,
        "pipeline_version": event.pipeline_version,
        "uploaded_at": event.uploaded_at,
        "info": document.info.model_dump(mode="json"),
        "page_count": document.page_count,
        "counts": {
            "paragraphs": len(document.paragraphs),
            "financial_lines": len(document.financial_lines),
            "tables": len(document.tables),
            "sections": len(document.sections),
        },
        "document": document.model_dump(mode="json"),
    }


def inline_fits(fields: dict[str, Any], limit: int = MAX_INLINE_BYTES) -> bool:
    """Whether the record stays well under MongoDB's 16 MiB document limit."""
    return len(bson.encode(fields)) <= limit


def failure_fields(letter: DeadLetter) -> dict[str, Any]:
    return {
        "error_type": letter.error_type,
        "failed_stage": letter.stage,
        "dead_letter_id": letter.dead_letter_id,
    }


def end_to_end_seconds(uploaded_at: datetime, stored_at: datetime) -> float:
    return max(0.0, (stored_at - uploaded_at).total_seconds())
