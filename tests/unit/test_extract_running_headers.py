"""Running headers caught in tables, and tables continued on the next page with their header
repeated, on small generated PDFs."""

from __future__ import annotations

import pymupdf

from services.extract.core import extract
from shared.documents import ExtractedDocument
from tests.unit.pdf_fixtures import Build, build_pdf

WIDTH, HEIGHT = 595.0, 842.0
LEFT, RIGHT = 62.0, 541.0
HEADER_LEFT = "Gemeente Voorbeeld"
HEADER_RIGHT = "Kadernota 2026 (voorjaarsnota 2025)"
BAND_TOP, BAND_BOTTOM = 54.3, 68.0
TABLE_HEADER = ["Maatregel", "Toelichting", "Effect"]
BODY_TEXT = [
    "De gemeente zet in op preventie en op ondersteuning dichtbij huis, zodat",
    "inwoners langer zelfstandig kunnen blijven wonen in hun eigen wijk.",
]


def _extract(build: Build) -> ExtractedDocument:
    return extract(build_pdf(build), "doc-running-headers", "x.pdf")


def _page(doc: pymupdf.Document, number: int, total: int, band: bool) -> pymupdf.Page:
    """A page with its running header (in a shaded band that touches the table rules, or as
    plain text) and its page number in the footer."""
    page = doc.new_page(width=WIDTH, height=HEIGHT)
    if band:
        page.draw_rect(
            pymupdf.Rect(LEFT, BAND_TOP, RIGHT, BAND_BOTTOM), color=None, fill=(0.6, 0.6, 0.6)
        )
    page.insert_text((LEFT, 62), HEADER_LEFT, fontsize=8)
    width = pymupdf.get_text_length(HEADER_RIGHT, fontsize=8)
    page.insert_text((RIGHT - width, 62), HEADER_RIGHT, fontsize=8)
    page.insert_text((275, 812), f"pagina {number} van {total}", fontsize=8)
    return page


def _body(page: pymupdf.Page, top: float) -> None:
    for i, text in enumerate(BODY_TEXT):
        page.insert_text((LEFT, top + 13 * i), text, fontsize=10)


def _ruled_rows(page: pymupdf.Page, rows: list[list[str]], top: float) -> None:
    """A ruled table from `top` down, one text line per cell."""
    xs = [LEFT, 160.0, 390.0, RIGHT]
    ys = [top + 16 * i for i in range(len(rows) + 1)]
    for x in xs:
        page.draw_line((x, ys[0]), (x, ys[-1]), width=0.5)
    for y in ys:
        page.draw_line((xs[0], y), (xs[-1], y), width=0.5)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            page.insert_text((xs[c] + 4, ys[r] + 11.5), text, fontsize=9)


def _body_rows(first: int, count: int) -> list[list[str]]:
    return [
        [f"Maatregel {n}", f"Toelichting bij maatregel {n}", f"Effect {n}"]
        for n in range(first, first + count)
    ]


def _header_band_over_tables(doc: pymupdf.Document) -> None:
    """Tables right under a running header set in a shaded band, on pages 2 and 4; the header
    stands above plain text on pages 1 and 3."""
    for number in range(1, 5):
        page = _page(doc, number, 4, band=True)
        if number % 2:
            _body(page, 100)
        else:
            _ruled_rows(page, [TABLE_HEADER, *_body_rows(1, 3)], top=68.3)
            _body(page, 200)


def test_running_header_in_a_shaded_band_is_no_table_row() -> None:
    doc = _extract(_header_band_over_tables)
    assert [t.page for t in doc.tables] == [2, 4]
    for table in doc.tables:
        assert table.rows == [TABLE_HEADER, *_body_rows(1, 3)]
        assert table.header_rows == 1
        assert table.bbox[1] > BAND_BOTTOM - 1.0
    texts = [b.text for b in doc.blocks]
    assert not any(HEADER_LEFT in t or t.startswith("pagina") for t in texts)


def test_the_running_text_is_kept_as_metadata_without_page_numbers() -> None:
    doc = _extract(_header_band_over_tables)
    assert doc.metadata["header"] == f"{HEADER_LEFT} · {HEADER_RIGHT}"
    assert "footer" not in doc.metadata


def _header_over_unruled_tables(doc: pymupdf.Document) -> None:
    """Tables without rules right under a two-part running header line, on pages 2 and 3."""
    rows = [["Taakveld", "Lasten", "Baten", "Saldo"]]
    rows += [[f"6.{n} Taakveld {n}", f"{n}.100", f"{n}.050", f"{n}0"] for n in range(1, 5)]
    for number in range(1, 4):
        page = _page(doc, number, 3, band=False)
        if number == 1:
            _body(page, 100)
            continue
        for r, row in enumerate(rows):
            y = 76 + 12 * r
            page.insert_text((LEFT, y), row[0], fontsize=9)
            for right, text in zip((360, 450, RIGHT), row[1:], strict=True):
                page.insert_text(
                    (right - pymupdf.get_text_length(text, fontsize=9), y), text, fontsize=9
                )
        _body(page, 200)


def test_running_header_line_is_no_row_of_a_table_without_rules() -> None:
    doc = _extract(_header_over_unruled_tables)
    assert [t.page for t in doc.tables] == [2, 3]
    for table in doc.tables:
        assert not table.ruled
        assert table.rows[0] == ["Taakveld", "Lasten", "Baten", "Saldo"]
        assert len(table.rows) == 5
        assert not any(HEADER_LEFT in cell for row in table.rows for cell in row)
        assert table.header_rows == 1


def _ruled_table_over_a_page_break(doc: pymupdf.Document) -> None:
    """A ruled table that starts low on page 1 and goes on right under the running header band
    of page 2, its header row repeated there."""
    page = _page(doc, 1, 3, band=True)
    _body(page, 100)
    _ruled_rows(page, [TABLE_HEADER, *_body_rows(1, 4)], top=660)
    page = _page(doc, 2, 3, band=True)
    _ruled_rows(page, [TABLE_HEADER, *_body_rows(5, 3)], top=68.3)
    _body(page, 200)
    page = _page(doc, 3, 3, band=True)
    _body(page, 100)


def test_continued_ruled_table_is_one_table_without_the_repeated_header() -> None:
    doc = _extract(_ruled_table_over_a_page_break)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.pages == [1, 2]
    assert table.rows == [TABLE_HEADER, *_body_rows(1, 7)]
    assert table.header_rows == 1
    assert not any(b.text in TABLE_HEADER for b in doc.blocks)


STREEFWAARDE = ["Prestatie", "Indicator", "Streefwaarde 2025"]


def _unruled_rows(page: pymupdf.Page, rows: list[list[str]], top: float) -> None:
    """A table without rules, its header bold with the last title wrapped over two lines and
    set bottom-aligned, so that its first line stands alone above the header row."""
    xs = (LEFT, 240.0, 430.0)
    page.insert_text((xs[2], top), "Streefwaarde", fontsize=9, fontname="hebo")
    for c, text in enumerate(["Prestatie", "Indicator", "2025"]):
        page.insert_text((xs[c], top + 12), text, fontsize=9, fontname="hebo")
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            page.insert_text((xs[c], top + 32 + 20 * r), text, fontsize=9)


def _performance_rows(first: int, count: int, unit: str) -> list[list[str]]:
    return [
        [f"Prestatie {n}", f"Aantal deelnemers {n}", f"{n}00 {unit}"]
        for n in range(first, first + count)
    ]


def _unruled_table_over_a_page_break(doc: pymupdf.Document) -> None:
    """A table without rules that goes on at the top of page 2, its header repeated; the
    longest text of its last column differs between the two parts."""
    page = _page(doc, 1, 3, band=False)
    _body(page, 100)
    _unruled_rows(page, _performance_rows(1, 3, "inwoners"), top=680)
    page = _page(doc, 2, 3, band=False)
    _unruled_rows(page, _performance_rows(4, 3, "deelnemers in totaal"), top=80)
    _body(page, 220)
    page = _page(doc, 3, 3, band=False)
    _body(page, 100)


def test_continued_table_without_rules_keeps_one_wrapped_header() -> None:
    doc = _extract(_unruled_table_over_a_page_break)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.pages == [1, 2]
    expected = _performance_rows(1, 3, "inwoners") + _performance_rows(4, 3, "deelnemers in totaal")
    assert table.rows == [STREEFWAARDE, *expected]
    assert table.header_rows == 1
    texts = [b.text for b in doc.blocks]
    assert "Streefwaarde" not in texts
    assert not any(HEADER_LEFT in t for t in texts)
