"""OCR of image-only pages: one generated scan and one corpus page, to keep the suite quick."""

from __future__ import annotations

import shutil
from pathlib import Path

import pymupdf
import pytest

from services.extract.core import extract
from services.extract.limits import ExtractLimits

DEV = Path(__file__).parents[2] / ".." / "shared" / "corpus" / "dev"

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract missing")


def _scanned_page() -> bytes:
    src = pymupdf.open()
    page = src.new_page(width=595, height=842)
    page.insert_text((72, 100), "Wat hebben we bereikt?", fontsize=14)
    page.insert_text((72, 130), "De gemeente heeft veel inwoners geholpen met werk.", fontsize=12)
    pix = page.get_pixmap(dpi=200)
    out = pymupdf.open()
    scan = out.new_page(width=595, height=842)
    scan.insert_image(scan.rect, pixmap=pix)
    data: bytes = out.tobytes()
    return data


def test_image_only_page_is_ocred_and_marked() -> None:
    doc = extract(_scanned_page(), "scan")
    assert doc.pages[0].ocr
    text = " ".join(b.text for b in doc.blocks)
    assert "inwoners geholpen" in text
    assert all(b.ocr for b in doc.blocks)


def test_ocr_can_be_switched_off() -> None:
    doc = extract(_scanned_page(), "scan", limits=ExtractLimits(ocr=False))
    assert not doc.blocks and not doc.pages[0].ocr
    assert any("not OCRed" in w for w in doc.warnings)


@pytest.mark.skipif(not DEV.is_dir(), reason="corpus not present")
def test_scanned_ruled_table_is_read_cell_by_cell() -> None:
    src = pymupdf.open(DEV / "pijnacker-nootdorp-najaarsnota-2022-C.pdf")
    one = pymupdf.open()
    one.insert_pdf(src, from_page=3, to_page=3)
    doc = extract(one.tobytes(), "c-page")
    wide = [t for t in doc.tables if len(t.rows[0]) >= 8]
    assert wide and wide[0].ocr
    printed = ["-10.382", "7.411", "-2.971", "-929", "15", "-914", "-11.311", "7.426", "-3.885"]
    inkomen = [r for r in wide[0].rows if r[0].endswith("Inkomensregelingen")]
    assert max(sum(p in r for p in printed) for r in inkomen) >= 6
