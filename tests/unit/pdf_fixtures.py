"""Small PDFs drawn with PyMuPDF for the extract tests, and reports for the pipeline tests."""

from __future__ import annotations

import uuid
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


def unique_report() -> bytes:
    """A small born-digital report no other test submits, so the pipeline processes it afresh
    (a document's id is the hash of its bytes)."""

    def draw(doc: pymupdf.Document) -> None:
        page = doc.new_page()
        page.insert_text((72, 72), "Gemeente Ommen - Begroting 2026", fontsize=18)
        page.insert_text((72, 120), f"Programma 1 Bestuur ({uuid.uuid4()})", fontsize=13)
        page.insert_text((72, 150), "Wij breiden de dienstverlening in 2026 uit.", fontsize=10)

    return build_pdf(draw)
