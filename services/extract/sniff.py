"""The extract stage's verdict on bytes that are not a PDF, in its own typed errors.

The type itself is told by shared.sniff, as ingest tells it.
"""

from __future__ import annotations

from shared.sniff import detect_type

from .errors import EmptyDocument, NotAPdf


def check_pdf_bytes(data: bytes) -> None:
    """Raise a typed error unless `data` looks like a PDF."""
    if not data or not data.strip():
        raise EmptyDocument("the document is empty (0 bytes)")
    kind = detect_type(data)
    if kind != "PDF":
        raise NotAPdf(f"not a PDF: the content is {kind} (no %PDF header)", detected_type=kind)
