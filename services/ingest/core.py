"""Upload validation: the cheap checks that keep hopeless files out of the pipeline.

Only what can be decided from the bytes alone without parsing happens here; whether a PDF is
readable is the extract stage's job, inside its sandbox.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from shared.errors import PermanentError
from shared.events import DocumentUploaded, ObjectRef
from shared.sniff import detect_type, pdf_offset


class UploadRejected(PermanentError):
    pass


class AcceptedUpload(BaseModel):
    document_id: str
    size: int


def document_id(data: bytes) -> str:
    """Content address: the same bytes always get the same id, wherever they come from."""
    return hashlib.sha256(data).hexdigest()


def source_key(document_id: str) -> str:
    """Where an accepted upload's bytes are kept in the object store, for extract and readers."""
    return f"documents/{document_id}.pdf"


def check_size(size: int, max_bytes: int) -> None:
    """Refuses an upload over the limit; ingest calls it on the file's metadata before reading."""
    if size > max_bytes:
        raise UploadRejected(
            f"file of {size} bytes exceeds the upload limit of {max_bytes} bytes",
            reason="too_large",
        )


def validate_upload(data: bytes, max_bytes: int) -> AcceptedUpload:
    if not data:
        raise UploadRejected("empty file: 0 bytes", reason="empty")
    check_size(len(data), max_bytes)
    if pdf_offset(data) < 0:
        raise UploadRejected(
            f"not a PDF: no %PDF header; looks like {detect_type(data)}", reason="not_pdf"
        )
    return AcceptedUpload(document_id=document_id(data), size=len(data))


def reemission(record: dict[str, Any], now: datetime) -> DocumentUploaded | None:
    """The uploaded event of a document again, from its record: for a document whose event
    the broker lost. The PDF is already in the object store, so the file need not still be in
    the inbox. None for a record that does not name its PDF."""
    if not isinstance(record.get("pdf"), dict):
        return None
    return DocumentUploaded(
        document_id=record["document_id"],
        pipeline_version=record["pipeline_version"],
        uploaded_at=record["uploaded_at"],
        occurred_at=now,
        filename=record.get("filename") or "",
        source=record.get("source") or "",
        pdf=ObjectRef.model_validate(record["pdf"]),
    )
