"""Header rows of tables that mix text with a few values."""

from __future__ import annotations

import pymupdf

from services.extract.core import extract
from tests.unit.pdf_fixtures import build_pdf

_HEADER = ["Prestatie", "Indicator", "Streefwaarde"]
_BODY = [
    ["Openen van vier huiskamers", "Bezoekers per week", "60 bezoekers"],
    ["Ondersteuning van mantelzorgers", "Mantelzorgers in beeld", "4.800 mantelzorgers"],
    ["Huishoudelijke hulp binnen vier weken", "Aandeel cliënten", "95%"],
    ["Hergebruik van hulpmiddelen", "Aandeel hergebruikt", "40%"],
]


def _targets_table(doc: pymupdf.Document) -> None:
    """Column titles in bold over plain rows; the first rows' targets are values with a unit,
    so only the later rows hold a bare number."""
    page = doc.new_page(width=595, height=842)
    xs = [60, 250, 420]
    for r, row in enumerate([_HEADER, *_BODY]):
        for c, text in enumerate(row):
            page.insert_text(
                (xs[c], 100 + 24 * r), text, fontsize=9, fontname="hebo" if r == 0 else "helv"
            )


def test_plain_rows_under_a_bold_title_row_are_body_rows() -> None:
    doc = extract(build_pdf(_targets_table), "doc-targets")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.rows == [_HEADER, *_BODY]
    assert table.header_rows == 1
