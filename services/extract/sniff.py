"""Recognise what a byte string is before any parser sees it.

MuPDF opens HTML, images and plain text named ``.pdf`` without complaint, so the type is decided
here from the leading bytes instead.
"""

from __future__ import annotations

from .errors import EmptyDocument, NotAPdf

_PDF_MAGIC = b"%PDF-"
# The PDF specification lets the header start within the first 1024 bytes.
_HEADER_WINDOW = 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"PK\x03\x04", "ZIP (e.g. DOCX/XLSX/ODT)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 (e.g. DOC/XLS)"),
    (b"{\\rtf", "RTF"),
    (b"%!PS", "PostScript"),
    (b"\x1f\x8b", "GZIP"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!", "RAR"),
)


def detect_type(data: bytes) -> str:
    """Name the format of `data` as far as its leading bytes tell."""
    head = data[:_HEADER_WINDOW]
    if _PDF_MAGIC in head:
        return "PDF"
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        return "HTML"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "XML"
    if text.startswith((b"{", b"[")):
        return "JSON"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "unknown binary"
    return "text"


def check_pdf_bytes(data: bytes) -> None:
    """Raise a typed error unless `data` looks like a PDF."""
    if not data or not data.strip():
        raise EmptyDocument("the document is empty (0 bytes)")
    kind = detect_type(data)
    if kind != "PDF":
        raise NotAPdf(f"not a PDF: the content is {kind} (no %PDF header)", detected_type=kind)
