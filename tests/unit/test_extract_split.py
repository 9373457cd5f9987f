"""A long document spread over several sandbox children comes out as if one process read it."""

from __future__ import annotations

import shutil
import time

import pymupdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.extract.core import extract, looks_scanned, open_document
from services.extract.errors import ExtractionTimeout
from services.extract.limits import ExtractLimits
from services.extract.sandbox import extract_in_sandbox
from services.extract.split_plan import MIN_PAGES_PER_CHILD, children_for

PAGES = 3 * MIN_PAGES_PER_CHILD


def _long_report() -> bytes:
    """Running header and footer on every page, a paragraph and a table over each page break."""
    doc = pymupdf.open()
    for number in range(1, PAGES + 1):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 40), "Gemeente Voorbeeld - Jaarverslag", fontsize=9)
        page.insert_text((500, 810), f"pagina {number}", fontsize=9)
        page.insert_text((72, 100), f"Hoofdstuk {number}", fontsize=14, fontname="hebo")
        page.insert_text((72, 130), f"Op pagina {number} staat een korte alinea.", fontsize=11)
        for row in range(4):
            y = 600 + row * 20
            page.draw_line((72, y), (520, y))
            page.insert_text((76, y + 14), f"6.{row + 1} Taakveld", fontsize=10)
            page.insert_text((400, y + 14), f"{number * 10 + row}.{row}00", fontsize=10)
        page.draw_line((72, 680), (520, 680))
        for x in (72, 390, 520):
            page.draw_line((x, 600), (x, 680))
        page.insert_text((72, 760), "Deze alinea loopt door naar de volgende", fontsize=11)
    data: bytes = doc.tobytes()
    return data


def test_split_extraction_equals_the_single_process_result() -> None:
    data = _long_report()
    alone = extract(data, "long", "long.pdf")
    spread = extract_in_sandbox(data, "long", "long.pdf", ExtractLimits(page_workers=3))
    assert spread == alone
    texts = [b.text for b in spread.blocks]
    assert not any("Gemeente Voorbeeld" in t or t.startswith("pagina") for t in texts)
    assert spread.page_count == PAGES and [p.number for p in spread.pages] == list(
        range(1, PAGES + 1)
    )


def _blank_scans(pages: int) -> bytes:
    doc = pymupdf.open()
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80), False)
    pixmap.clear_with(255)
    for _ in range(pages):
        page = doc.new_page()
        page.insert_image(page.rect, pixmap=pixmap)
    data: bytes = doc.tobytes()
    return data


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract missing")
def test_the_ocr_page_limit_holds_for_the_document_as_a_whole() -> None:
    limits = ExtractLimits(page_workers=2, max_ocr_pages=3, ocr_dpi=72)
    extracted = extract_in_sandbox(_blank_scans(2 * MIN_PAGES_PER_CHILD), "scans", limits=limits)
    assert sum(page.ocr for page in extracted.pages) == 3
    skipped = 2 * MIN_PAGES_PER_CHILD - 3
    assert f"{skipped} page(s) without a text layer were not OCRed (limit 3)" in extracted.warnings


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract missing")
def test_the_wall_clock_covers_the_helpers_too() -> None:
    """OCR of the helper's pages far outlasts the wall clock: every child is stopped on time."""
    start = time.monotonic()
    with pytest.raises(ExtractionTimeout):
        extract_in_sandbox(
            _blank_scans(2 * MIN_PAGES_PER_CHILD),
            "slow",
            limits=ExtractLimits(page_workers=2, wall_seconds=1.0),
        )
    assert time.monotonic() - start < 15


def test_a_scan_is_worth_spreading_however_short_it_is() -> None:
    limits = ExtractLimits()
    scanned = open_document(_blank_scans(3), limits)
    text = open_document(_long_report(), limits)
    assert looks_scanned(scanned, limits)
    assert not looks_scanned(scanned, ExtractLimits(ocr=False))
    assert not looks_scanned(text, limits)


@given(count=st.integers(1, 5000), workers=st.integers(1, 16), min_pages=st.integers(1, 40))
def test_children_are_started_only_where_they_have_pages_enough(
    count: int, workers: int, min_pages: int
) -> None:
    children = children_for(count, workers, min_pages)
    assert 1 <= children <= workers
    if children > 1:
        assert count // children >= min_pages
    if children < workers:
        assert count // (children + 1) < min_pages, "one more child would still have had pages"
