"""Small PDFs drawn with PyMuPDF for the extract tests."""

from __future__ import annotations

from collections.abc import Callable

import pymupdf

Build = Callable[[pymupdf.Document], None]


def build_pdf(build: Build) -> bytes:
    """The bytes of a new document that `build` has drawn."""
    doc = pymupdf.open()
    build(doc)
    data: bytes = doc.tobytes()
    doc.close()
    return data
