"""What a byte string is, told from its leading bytes before any parser sees it.

MuPDF opens HTML, images and plain text named ``.pdf`` without complaint, and ingest judges an
upload before anything parses it: both stages decide the type here, so they name it alike.
"""

from __future__ import annotations

PDF_MAGIC = b"%PDF-"
# The PDF specification lets the header start within the first 1024 bytes.
HEADER_WINDOW = 1024

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


def pdf_offset(data: bytes) -> int:
    """Where `%PDF-` starts within the header window, or -1."""
    return data.find(PDF_MAGIC, 0, HEADER_WINDOW)


def detect_type(data: bytes) -> str:
    """Name the format of `data` as far as its leading bytes tell."""
    if pdf_offset(data) >= 0:
        return "PDF"
    head = data[:HEADER_WINDOW]
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        return "HTML"
    if text.startswith(b"<"):
        return "XML"
    if text.startswith((b"{", b"[")):
        return "JSON"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "unknown binary"
    return "text"
