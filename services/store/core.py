"""What store writes: the MongoDB fields of a structured document, derived purely from events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.events import DeadLetter, DocumentClassified


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


def failure_fields(letter: DeadLetter) -> dict[str, Any]:
    return {
        "error_type": letter.error_type,
        "failed_stage": letter.stage,
        "dead_letter_id": letter.dead_letter_id,
    }


def end_to_end_seconds(uploaded_at: datetime, stored_at: datetime) -> float:
    return max(0.0, (stored_at - uploaded_at).total_seconds())
