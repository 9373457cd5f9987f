"""OCR of image-only pages: one generated scan and one corpus page, to keep the suite quick."""

from __future__ import annotations

import shutil
from pathlib import Path

import pymupdf
import pytest

from services.extract import ocr
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


TABLE = [
    ["Taakveld", "Incidenteel", "Structureel", "Totaal"],
    ["Wijkteams", "-240.000", "-648.000", "-888.000"],
    ["Jeugdhulp met verblijf", "-110.000", "402.000", "292.000"],
    ["Ambulante jeugdhulp", "130.000", "-186.000", "-56.000"],
    ["Woningaanpassingen", "-61.000", "0", "-61.000"],
]


def _scanned_table(rows: list[list[str]]) -> bytes:
    """A ruled table of amounts, scanned at 200 dpi."""
    xs = [60, 220, 320, 420, 520]
    src = pymupdf.open()
    page = src.new_page(width=595, height=842)
    for r, row in enumerate(rows):
        y = 100 + 24 * r
        page.draw_line((xs[0], y), (xs[-1], y))
        for c, text in enumerate(row):
            x = xs[c] + 4 if c == 0 else xs[c + 1] - 4 - pymupdf.get_text_length(text, fontsize=10)
            page.insert_text((x, y + 16), text, fontsize=10)
    page.draw_line((xs[0], 100 + 24 * len(rows)), (xs[-1], 100 + 24 * len(rows)))
    for x in xs:
        page.draw_line((x, 100), (x, 100 + 24 * len(rows)))
    pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    out = pymupdf.open()
    scan = out.new_page(width=595, height=842)
    scan.insert_image(scan.rect, pixmap=pix)
    data: bytes = out.tobytes()
    return data


def test_a_scanned_table_is_read_from_the_page_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    reread: list[int] = []

    def no_second_reading(
        crops: list[object], dpi: int, language: str, tuning: object
    ) -> list[str]:
        reread.append(len(crops))
        return [""] * len(crops)

    monkeypatch.setattr(ocr, "read_cells", no_second_reading)
    doc = extract(_scanned_table(TABLE), "scan")
    (table,) = doc.tables
    assert table.ocr
    assert table.rows == TABLE
    assert sum(reread) == 0


def test_the_cells_of_a_row_that_does_not_add_up_are_read_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    misprinted = [*TABLE[:4], ["Woningaanpassingen", "-61.000", "5", "-61.000"]]
    reread: list[int] = []

    def second_reading(crops: list[object], dpi: int, language: str, tuning: object) -> list[str]:
        reread.append(len(crops))
        return ["-61.000", "0", "-61.000"][: len(crops)]

    monkeypatch.setattr(ocr, "read_cells", second_reading)
    (table,) = extract(_scanned_table(misprinted), "scan").tables
    assert reread == [3]
    assert table.rows == TABLE


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
