"""Upload validation: the cheap checks that keep hopeless files out of the pipeline.

Only what can be decided from the bytes alone without parsing happens here; whether a PDF is
readable is the extract stage's job, inside its sandbox.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel

from shared.errors import PermanentError

PDF_MAGIC = b"%PDF-"
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
)


class UploadRejected(PermanentError):
    pass


class AcceptedUpload(BaseModel):
    document_id: str
    size: int


def document_id(data: bytes) -> str:
    """Content address: the same bytes always get the same id, wherever they come from."""
    return hashlib.sha256(data).hexdigest()


def detect_type(data: bytes) -> str:
    head = data[:1024]
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return "HTML page"
    return "unknown data"


def pdf_offset(data: bytes) -> int:
    """Where `%PDF-` starts; readers accept it within the first KiB, so do we."""
    return data.find(PDF_MAGIC, 0, 1024)


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
