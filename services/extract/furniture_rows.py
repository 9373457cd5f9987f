"""Running headers and footers caught in a table's first or last rows.

A ruled table printed right under a running header, or a header set in a shaded band, makes
the header's rules part of the table's grid; a table without rules can take a two-part header
line ("Gemeente X ... Kadernota 2026") for one of its rows. Which margin text is a running
header only shows once the whole document has been read, long after the page's tables were
built. So each table keeps the lines of its rows that reach into a margin band, and those
rows are dropped when they hold nothing but running text. Without them the table's real
column headers are its first row again, and a part continued on the next page starts with
its repeated header row, which the join then drops.
"""

from __future__ import annotations

from .furniture import Furniture, margin_limits
from .layout import Line, inside
from .tables import TableDraft, drop_empty_columns, mark_header_and_section_rows
from .tuning import CellTuning, FurnitureTuning

# Text touching a table's border still belongs to it.
_BORDER_PAD_PT = 1.0


def keep_margin_lines(
    table: TableDraft, absorbed: list[Line], height: float, tuning: FurnitureTuning
) -> None:
    """Remember the lines of `absorbed` (read into the page's tables) that lie in rows of
    `table` reaching into the top or bottom margin band."""
    top, bottom = margin_limits(height, tuning)
    bands = [(y0, y1) for y0, y1 in table.row_bands if y0 < top or y1 > bottom]
    if not bands:
        return
    table.margin_lines = [
        line
        for line in absorbed
        if inside((line.x0 + line.x1) / 2, _yc(line), table.bbox, pad=_BORDER_PAD_PT)
        and any(y0 <= _yc(line) <= y1 for y0, y1 in bands)
    ]


def drop_furniture_rows(
    table: TableDraft, furniture: Furniture, height: float, cells: CellTuning
) -> bool:
    """Drop the leading and trailing rows that hold only running headers or footers.

    Returns whether the table has any rows left; the header of what is left is told anew.
    """
    lines, bands = table.margin_lines, table.row_bands
    table.margin_lines, table.row_bands = [], []
    if not lines or len(bands) != len(table.rows):
        return True
    first = 0
    while first < len(bands) and _running_row(bands[first], lines, furniture, height):
        first += 1
    last = len(bands)
    while last > first and _running_row(bands[last - 1], lines, furniture, height):
        last -= 1
    if first == last:
        return False
    if first > 0 or last < len(bands):
        _keep_rows(table, bands, first, last, cells)
    return True


def _running_row(
    band: tuple[float, float], lines: list[Line], furniture: Furniture, height: float
) -> bool:
    """A row whose lines all repeat running text, at least one of them in words.

    A row of bare numbers is left alone: page numbers key like column years or amounts.
    """
    mine = [line for line in lines if band[0] <= _yc(line) <= band[1]]
    return (
        bool(mine)
        and all(furniture.covers(line, height) for line in mine)
        and any(any(ch.isalpha() for ch in line.text) for line in mine)
    )


def _keep_rows(
    table: TableDraft, bands: list[tuple[float, float]], first: int, last: int, cells: CellTuning
) -> None:
    """Keep rows first..last-1: the box shrinks to them and columns left empty go."""
    rows, keep = drop_empty_columns(table.rows[first:last])
    table.rows = rows
    table.bold_rows = table.bold_rows[first:last]
    table.col_edges = [table.col_edges[i] for i in keep] + [table.col_edges[-1]]
    x0, _, x1, _ = table.bbox
    table.bbox = (x0, bands[first][0], x1, bands[last - 1][1])
    mark_header_and_section_rows(table, cells)


def _yc(line: Line) -> float:
    return (line.y0 + line.y1) / 2
