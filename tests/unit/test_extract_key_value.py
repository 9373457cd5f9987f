"""Key-value tables: a column of short keys beside their values, printed without rules."""

from __future__ import annotations

import pymupdf

from services.extract.core import extract
from services.extract.grid import Grid
from services.extract.scan_image import framed
from services.extract.tables import TableDraft, mark_header_and_section_rows
from services.extract.tuning import DEFAULT

_FIELDS = [
    ("Taakveld", "6.3 Inkomensregelingen"),
    ("Portefeuillehouder", "Wethouder R. El Amrani (Werk en Inkomen)"),
    ("Karakter", "Structureel"),
]
_PROSE = (
    "Wij verhogen de inkomensgrens van de meedoenregeling voor kinderen van 120% naar 130% van "
    "het sociaal minimum en verhogen het budget per kind. Ook maken wij de aanvraag eenvoudiger "
    "voor gezinnen die al bijzondere bijstand of kwijtschelding ontvangen, zodat zij de regeling "
    "voortaan automatisch krijgen."
)


def _key_value_page() -> bytes:
    """Keys in bold at the left, values in a column of their own, rows a little apart; then
    a paragraph at the ordinary line spacing."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text(
        (65, 100), "Verruiming meedoenregeling kinderen", fontsize=9.5, fontname="hebo"
    )
    y = 130.0
    for key, value in _FIELDS:
        page.insert_text((65, y), key, fontsize=9, fontname="hebo")
        page.insert_text((218, y), value, fontsize=9, fontname="helv")
        y += 15.5
    page.insert_textbox((57, y + 10, 535, y + 120), _PROSE, fontsize=9, fontname="helv")
    data: bytes = doc.tobytes()
    return data


def test_keys_beside_their_values_are_a_table_of_rows() -> None:
    doc = extract(_key_value_page(), "kv")
    assert [t.rows for t in doc.tables] == [[list(field) for field in _FIELDS]]
    assert doc.tables[0].header_rows == 0


def test_a_first_row_holding_a_value_is_no_header() -> None:
    rows = [list(field) for field in _FIELDS]
    table = TableDraft(1, (0, 0, 1, 1), rows, [False] * 3, [], ruled=False)
    mark_header_and_section_rows(table, DEFAULT.cells)
    assert table.header_rows == 0
    titled = TableDraft(
        1, (0, 0, 1, 1), [["Maatregel", "Toelichting"], *rows], [False] * 4, [], False
    )
    mark_header_and_section_rows(titled, DEFAULT.cells)
    assert titled.header_rows == 1


def test_a_scanned_grid_with_one_side_faded_is_a_table() -> None:
    hs = [(10.0, 10.0, 300.0), (40.0, 10.0, 300.0), (70.0, 10.0, 300.0)]
    vs = [(100.0, 10.0, 70.0), (200.0, 10.0, 70.0), (300.0, 10.0, 70.0), (10.0, 10.0, 30.0)]
    grid = Grid(
        (10.0, 10.0, 300.0, 70.0),
        [10.0, 100.0, 200.0, 300.0],
        [10.0, 40.0, 70.0],
        vs,
        hs,
        DEFAULT.grids,
    )
    assert framed(grid, DEFAULT.scan_rules)
    no_bottom = Grid(grid.bbox, grid.xs, grid.ys, vs, hs[:2], DEFAULT.grids)
    assert not framed(no_bottom, DEFAULT.scan_rules)
