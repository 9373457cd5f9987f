"""Header and body rows of tables printed without rules."""

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


_PLANNING = [
    ("Activiteit", "Planning", "Toelichting"),
    ("Herinrichten toegang", "Q1 2023", "Alle meldingen komen binnen via één nummer."),
    ("Uitvoeren actieplan", "Q2 2023 t/m", "Het steunpunt heeft nieuwe mantelzorgers"),
    ("mantelzorg", "2024", "ingeschreven."),
    ("Opstellen woonzorgvisie", "Q4 2023", "De startbijeenkomst is in oktober."),
]


def _planning_table(doc: pymupdf.Document) -> None:
    """Rows set apart by white space; in the third row a period wraps before its year."""
    page = doc.new_page(width=595, height=842)
    xs = [60, 200, 300]
    y = 100.0
    for r, row in enumerate(_PLANNING):
        for c, text in enumerate(row):
            page.insert_text((xs[c], y), text, fontsize=9, fontname="hebo" if r == 0 else "helv")
        y += 12 if r == 2 else 22


def test_a_year_on_the_wrapped_line_of_a_cell_stays_in_its_row() -> None:
    doc = extract(build_pdf(_planning_table), "doc-planning")
    assert len(doc.tables) == 1
    assert doc.tables[0].rows == [
        ["Activiteit", "Planning", "Toelichting"],
        ["Herinrichten toegang", "Q1 2023", "Alle meldingen komen binnen via één nummer."],
        [
            "Uitvoeren actieplan mantelzorg",
            "Q2 2023 t/m 2024",
            "Het steunpunt heeft nieuwe mantelzorgers ingeschreven.",
        ],
        ["Opstellen woonzorgvisie", "Q4 2023", "De startbijeenkomst is in oktober."],
    ]
