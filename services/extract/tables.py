"""Table cells, header and section rows, and tables continued over a page break.

Detection (grid.py for ruled tables, whitespace.py for tables without lines) yields cell
rectangles; this module reads the words in them, cell by cell, so a wrapped cell stays one
cell and cell text keeps the spaces and signs as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.documents import BBox
from shared.numbers import is_amount
from shared.years import is_year

from .grid import Grid
from .layout import Line, Word
from .text import clean_text, join_text
from .tuning import CellTuning


@dataclass(slots=True)
class TableDraft:
    page: int
    bbox: BBox
    rows: list[list[str]]
    bold_rows: list[bool]
    col_edges: list[float]
    ruled: bool
    ocr: bool = False
    header_rows: int = 0
    section_rows: list[int] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    caption: str = ""
    # read from cards stacked one per row (cards.py), which leave no column edges to compare
    stacked: bool = False
    # Per row its top and bottom on the page, and the lines read into the rows that reach into
    # a margin band: what it takes to tell a running header caught in the table once the whole
    # document is known (furniture_rows.py). Emptied once that is done.
    row_bands: list[tuple[float, float]] = field(default_factory=list)
    margin_lines: list[Line] = field(default_factory=list)


def scan_anchor(word: Word) -> float:
    """Where a word of a scanned table stands across the page: an amount by its right end,
    any other word by its middle. Amounts are set flush right, and OCR can stretch an
    amount's box over specks to its left until its middle lies in the label's cell."""
    return word.x1 - 0.5 if is_amount(word.text) else word.xc


def cell_text(words: list[Word], tuning: CellTuning) -> str:
    """Words of one cell in reading order, wrapped lines joined."""
    if not words:
        return ""
    words = sorted(words, key=lambda w: (w.yc, w.x0))
    lines: list[list[Word]] = []
    for w in words:
        reach = tuning.same_line_offset * max(w.y1 - w.y0, 1.0)
        if lines and abs(lines[-1][-1].yc - w.yc) <= reach:
            lines[-1].append(w)
        else:
            lines.append([w])
    text = ""
    for line in lines:
        text = join_text(text, " ".join(w.text for w in sorted(line, key=lambda w: w.x0)))
    return clean_text(text)


def fill_grid(
    grid: Grid, words: list[Word], page: int, ocr: bool, tuning: CellTuning
) -> TableDraft | None:
    """Read a ruled grid: text of every cell, a spanning cell's text in its first column."""
    ncols = len(grid.xs) - 1
    cells = grid.cells()
    buckets: list[list[list[Word]]] = [[[] for _ in row] for row in cells]
    for w in words:
        xc, yc = (scan_anchor(w) if ocr else w.xc), w.yc
        for r, row in enumerate(cells):
            if not grid.ys[r] <= yc <= grid.ys[r + 1]:
                continue
            for k, (_, _, (x0, _, x1, _)) in enumerate(row):
                if x0 <= xc <= x1:
                    buckets[r][k].append(w)
                    break
            break
    rows: list[list[str]] = []
    bold: list[bool] = []
    bands: list[tuple[float, float]] = []
    for r, (row, bucket) in enumerate(zip(cells, buckets, strict=True)):
        out = [""] * ncols
        for (col, span, _), ws in zip(row, bucket, strict=True):
            parts = _split_at_faded_rules(grid, col, span, ws) if ocr else [(col, ws)]
            for part_col, part in parts:
                out[part_col] = cell_text(part, tuning)
        if any(out):
            rows.append(out)
            texts = [w for ws in bucket for w in ws]
            bold.append(bool(texts) and all(w.bold for w in texts))
            bands.append((grid.ys[r], grid.ys[r + 1]))
    rows, keep = drop_empty_columns(rows)
    filled = sum(1 for r in rows for c in r if c)
    if len(rows) < 1 or len(keep) < tuning.min_columns or filled < tuning.min_filled_cells:
        return None
    edges = [grid.xs[i] for i in keep] + [grid.xs[-1]]
    return TableDraft(
        page, grid.bbox, rows, bold, edges, ruled=True, ocr=ocr, pages=[page], row_bands=bands
    )


def _split_at_faded_rules(
    grid: Grid, col: int, span: int, words: list[Word]
) -> list[tuple[int, list[Word]]]:
    """A scanned cell spanning columns, split where its amounts stand in columns of their own.

    Scans fade a table's rules towards a page edge, and a missing piece of column rule joins
    two cells into one: "-61.000" under Totaal read as Structureel, or a row's first amount
    read into its label. The words right of an inner border go to their own column when
    none reaches across it and all are amounts; titles that truly span keep their cell.
    """
    parts: list[tuple[int, list[Word]]] = []
    rest = words
    for border in range(col + span - 1, col, -1):
        x = grid.xs[border]
        right = [w for w in rest if w.x0 >= x]
        if any(w.x0 < x < w.x1 for w in rest) or not right:
            continue
        if all(is_amount(w.text) and not is_year(w.text) for w in right):
            parts.append((border, right))
            rest = [w for w in rest if w.x0 < x]
    return [(col, rest), *reversed(parts)]


def drop_empty_columns(rows: list[list[str]]) -> tuple[list[list[str]], list[int]]:
    if not rows:
        return rows, []
    keep = [c for c in range(len(rows[0])) if any(r[c] for r in rows)]
    return [[r[c] for c in keep] for r in rows], keep


def _numeric_cells(row: list[str]) -> int:
    return sum(1 for c in row if c and is_amount(c) and not is_year(c))


# A cell starting with a number other than a year holds a value (a code, a date, an amount).
_VALUE_START = re.compile(r"^\d")


def _titles(row: list[str]) -> bool:
    """Whether a text table's first row can be column titles: titles are words or years, so a
    row with a value in it ("Taakveld | 6.3 Inkomensregelingen") is the first key-value row."""
    return not any(_VALUE_START.match(c) and not is_year(c) for c in row)


def mark_header_and_section_rows(table: TableDraft, tuning: CellTuning) -> None:
    """Set header rows (column titles, possibly several levels) and section rows (group names)."""
    rows = table.rows
    numeric_table = sum(1 for r in rows if _numeric_cells(r) >= 1) >= tuning.min_numeric_rows
    header = 0
    if numeric_table:
        for r in rows:
            filled = [c for c in r if c]
            if _numeric_cells(r) or (len(filled) == 1 and r[0] and header > 0):
                break
            if len(filled) == 1 and r[0] and not table.bold_rows[header]:
                break
            # A plain row under the titles is the first body row, even when its values carry a
            # unit ("60 bezoekers") and so do not read as numbers: when the titles are set in
            # bold, or when the row holds a sentence, since titles are short (scans show no
            # bold, so that is what ends their titles).
            if (
                header > 0
                and not table.bold_rows[header]
                and (table.bold_rows[0] or any(len(c) > tuning.title_max_chars for c in r))
            ):
                break
            header += 1
        header = min(header, max(len(rows) - 1, 0))
    elif (
        len(rows) > 1
        and _titles(rows[0])
        and (table.bold_rows[0] or all(len(c) < tuning.title_max_chars for c in rows[0]))
    ):
        header = 1 if all(c for c in rows[0]) or table.bold_rows[0] else 0
    table.header_rows = header
    if numeric_table:
        table.section_rows = [
            i for i in range(header, len(rows)) if rows[i][0] and not any(rows[i][1:])
        ]
    else:
        table.section_rows = []


def same_columns(a: TableDraft, b: TableDraft, tuning: CellTuning) -> bool:
    """Whether `b` has the columns of `a`, as a part of it on the next page would.

    Stacked cards have no column edges to compare; a run of them over a page break is already
    one table. Without rules the last edge is only where the longest text of the part ends,
    so only where the columns start is compared.
    """
    if a.stacked or b.stacked or len(a.col_edges) != len(b.col_edges):
        return False
    pairs = list(zip(a.col_edges, b.col_edges, strict=True))
    if not (a.ruled and b.ruled):
        pairs = pairs[:-1]
    return all(abs(x - y) <= tuning.column_slack_pt for x, y in pairs)


def _continues_row(row: list[str]) -> bool:
    """A row cut by the page break: its first cell is empty or goes on mid-sentence."""
    if any(is_amount(c) for c in row if c):
        return False
    first = row[0].lstrip("\"'‘“(")[:1]
    return not row[0] or first.islower()


def append_continuation(first: TableDraft, more: TableDraft) -> None:
    """Join the part of a table printed on the next page; a repeated header is dropped."""
    rows = more.rows
    repeat = 0
    for i in range(min(first.header_rows, len(rows))):
        if rows[i] == first.rows[i]:
            repeat = i + 1
        else:
            break
    if repeat < len(rows) and first.rows and _continues_row(rows[repeat]):
        first.rows[-1] = [
            join_text(a, b) if b else a for a, b in zip(first.rows[-1], rows[repeat], strict=True)
        ]
        repeat += 1
    offset = len(first.rows) - repeat
    first.rows.extend(rows[repeat:])
    first.bold_rows.extend(more.bold_rows[repeat:])
    first.section_rows.extend(i + offset for i in more.section_rows if i >= repeat)
    for p in more.pages:
        if p not in first.pages:
            first.pages.append(p)
    first.ocr = first.ocr or more.ocr
