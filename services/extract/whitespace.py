"""Tables printed without ruling lines, found from text aligned in columns.

Text rows with two or more separate pieces seed a table; its column gutters are the x ranges
that (almost) no piece of those rows covers, so a header spanning several columns does not
merge them. A row continues the previous table row (a wrapped cell) when it follows at normal
line spacing, holds no amount (a year may end a wrapped cell), is set in the same style and
only fills columns the previous row already uses. Two columns of running prose are a page
layout, not a table, and are left to the reading-order stage. Header cells set bottom-aligned
put the first line of a wrapped title above the rest of the header row; that line joins the
header row too.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from statistics import median

from shared.numbers import is_amount
from shared.years import is_year

from .furniture import margin_limits
from .layout import Line, Word, overlap_1d, union
from .tables import TableDraft, cell_text, drop_empty_columns
from .tuning import CellTuning, ExtractTuning, WhitespaceTuning

# A row of this many pieces spans columns; a table has this many rows at least.
_CELLS = 2
_ROWS = 2
# Prose columns are told by the two columns holding the most text.
_PROSE_COLUMNS = 2
_THOUSANDS_GROUP = re.compile(r"\d{3}")


@dataclass(slots=True)
class Piece:
    """A run of words on one text row, separated from its neighbours by a clear gap."""

    x0: float
    y0: float
    x1: float
    y1: float
    words: list[Word]
    line: Line

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(slots=True)
class Row:
    pieces: list[Piece] = field(default_factory=list)

    @property
    def y0(self) -> float:
        return min(p.y0 for p in self.pieces)

    @property
    def y1(self) -> float:
        return max(p.y1 for p in self.pieces)


def _pieces(line: Line, tuning: WhitespaceTuning) -> list[Piece]:
    words = sorted((w for w in line.words if w.text.strip()), key=lambda w: w.x0)
    if not words:
        return []
    limit = max(tuning.piece_gap_em * max(line.size, 1.0), tuning.min_piece_gap_pt)
    groups: list[list[Word]] = [[words[0]]]
    for w in words[1:]:
        if w.x0 - groups[-1][-1].x1 > limit or _next_amount(groups[-1][-1].text, w.text):
            groups.append([w])
        else:
            groups[-1].append(w)
    return [
        Piece(min(w.x0 for w in g), line.y0, max(w.x1 for w in g), line.y1, g, line) for g in groups
    ]


def _next_amount(before: str, word: str) -> bool:
    """Whether `word` is an amount of its own column after the amount `before`, however
    narrow the gap: wide amounts ("(172.648) (179.302)", parentheses widen them) are set
    closer than columns usually are. A bare group of three digits may be the rest of an
    amount written with a space for its thousands ("1 250"), so it stays with it."""
    return _is_value(before) and _is_value(word) and not _THOUSANDS_GROUP.fullmatch(word)


def _rows(lines: list[Line], tuning: WhitespaceTuning) -> list[Row]:
    pieces = sorted(
        (p for ln in lines for p in _pieces(ln, tuning)), key=lambda p: (p.y0 + p.y1) / 2
    )
    rows: list[Row] = []
    for p in pieces:
        if rows:
            row = rows[-1]
            top, bottom = row.y0, row.y1
            overlap = min(bottom, p.y1) - max(top, p.y0)
            if overlap >= tuning.same_row_overlap * min(p.y1 - p.y0, bottom - top):
                row.pieces.append(p)
                continue
        rows.append(Row([p]))
    for row in rows:
        row.pieces.sort(key=lambda p: p.x0)
    return rows


def _gutters(rows: list[Row], tuning: WhitespaceTuning) -> list[tuple[float, float]]:
    """Free x ranges between columns.

    Only the fullest rows count: header cells spanning several columns sit in rows with fewer
    pieces and would otherwise close the gutters they span.
    """
    most = max(len(r.pieces) for r in rows)
    multi = [r for r in rows if len(r.pieces) >= max(_CELLS, tuning.full_row_share * most)]
    allowed = len(multi) // tuning.rows_per_crossing
    events: list[tuple[float, int]] = []
    for r in multi:
        for p in r.pieces:
            events.append((p.x0, 1))
            events.append((p.x1, -1))
    events.sort()
    left = min(p.x0 for r in multi for p in r.pieces)
    right = max(p.x1 for r in multi for p in r.pieces)
    gutters: list[tuple[float, float]] = []
    depth = 0
    start: float | None = None
    for x, delta in events:
        before = depth
        depth += delta
        if before > allowed >= depth and left < x < right:
            start = x
        elif before <= allowed < depth and start is not None:
            if x - start >= tuning.min_gutter_pt:
                gutters.append((start, x))
            start = None
    return gutters


def _columns(
    gutters: list[tuple[float, float]], left: float, right: float
) -> list[tuple[float, float]]:
    edges = [left] + [g for gut in gutters for g in gut] + [right]
    return [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]


def _crosses(piece: Piece, gutters: list[tuple[float, float]]) -> bool:
    return any(piece.x0 < g0 and piece.x1 > g1 for g0, g1 in gutters)


def _col_of(piece: Piece, cols: list[tuple[float, float]]) -> int:
    for i, (c0, c1) in enumerate(cols):
        if piece.x0 < c1 and piece.x1 > c0:
            return i
    return len(cols) - 1


@dataclass(slots=True)
class _Logical:
    cells: list[list[Word]]
    style: tuple[bool, bool]
    y0: float
    y1: float
    numeric: bool
    # the text row it was read from, as long as it is only one
    single: Row | None


def _style(row: Row) -> tuple[bool, bool]:
    words = [w for p in row.pieces for w in p.words]
    return (all(w.bold for w in words), all(w.italic for w in words))


def _leading(rows: list[Row], line_h: float, wrap_gap: float) -> float:
    """The page's usual gap between the lines of one paragraph."""
    gaps = [
        b.y0 - a.y1 for a, b in itertools.pairwise(rows) if 0 <= b.y0 - a.y1 <= wrap_gap * line_h
    ]
    return median(gaps) if gaps else wrap_gap * line_h


def _is_value(text: str) -> bool:
    """An amount that keeps a line from continuing a wrapped cell: a year is not one, since a
    period ("Q2 2023 t/m Q4 / 2024") or a title ("Realisatie / 2016") wraps before its year."""
    return is_amount(text) and not is_year(text)


def _build(
    rows: list[Row],
    cols: list[tuple[float, float]],
    spacing: tuple[float, float],
    tuning: WhitespaceTuning,
) -> list[_Logical]:
    """The logical rows: printed lines joined where a cell wraps onto the next line.

    A line that starts a first cell again wraps only at the page's line spacing; a key under a
    key ("Taakveld" over "Portefeuillehouder") set further apart starts a row. `spacing` is
    the page's line height and leading.
    """
    line_h, leading = spacing
    out: list[_Logical] = []
    for row in rows:
        cells: list[list[Word]] = [[] for _ in cols]
        for p in row.pieces:
            cells[_col_of(p, cols)].extend(p.words)
        numeric = any(_is_value(" ".join(w.text for w in c)) for c in cells[1:] if c)
        style = _style(row)
        if out:
            prev = out[-1]
            used = {i for i, c in enumerate(prev.cells) if c}
            mine = {i for i, c in enumerate(cells) if c}
            wrapped = (
                not numeric
                and row.y0 - prev.y1 <= tuning.wrap_gap_lines * line_h
                and style == prev.style
                and mine <= used
                and (0 not in mine or row.y0 - prev.y1 <= leading + tuning.leading_slack_pt)
            )
            if wrapped or (prev.single is not None and _heads(prev.single, row, line_h, tuning)):
                for i, c in enumerate(cells):
                    prev.cells[i].extend(c)
                prev.y1 = row.y1
                prev.single = None
                continue
        out.append(_Logical(cells, style, row.y0, row.y1, numeric, row))
    return out


def _heads(above: Row, below: Row, line_h: float, tuning: WhitespaceTuning) -> bool:
    """Whether `above` is the first line of header cells wrapped above the rest of `below`.

    Header cells set bottom-aligned start a wrapped title ("Streefwaarde / 2025") a line higher
    than the titles beside it. That line follows at wrapped-line spacing, bold and in the
    size of the header row, over cells of it, and holds fewer titles than the row itself.
    Years are the only figures in such a header.
    """
    if (
        len(above.pieces) >= len(below.pieces)
        or below.y0 - above.y1 > tuning.wrap_gap_lines * line_h
    ):
        return False
    if not (_style(above)[0] and _style(below)[0]):
        return False
    if abs(_row_size(above) - _row_size(below)) > tuning.cell_size_slack_pt:
        return False
    if any(is_amount(p.text) and not is_year(p.text) for p in [*above.pieces, *below.pieces]):
        return False
    return all(
        any(overlap_1d(p.x0, p.x1, q.x0, q.x1) > 0 for q in below.pieces) for p in above.pieces
    )


def _is_prose(rows: list[Row], cols: list[tuple[float, float]], tuning: WhitespaceTuning) -> bool:
    """Two columns of running text side by side carry nearly all the text: a column layout.

    A first column of short keys, each beside its value ("Taakveld | 6.3 Inkomensregelingen"),
    is a key-value table, however much text its values hold: keys name a field in a few
    words, running text fills its lines.
    """
    if all(
        len(p.text.split()) <= tuning.key_max_words
        for row in rows
        for p in row.pieces
        if _col_of(p, cols) == 0
    ) and all(len(row.pieces) >= _CELLS for row in rows):
        return False
    chars = [0] * len(cols)
    for row in rows:
        for p in row.pieces:
            if is_amount(p.text):
                return False
            chars[_col_of(p, cols)] += len(p.text)
    total = sum(chars) or 1
    top = sorted(chars, reverse=True)[:_PROSE_COLUMNS]
    if len(top) < _PROSE_COLUMNS:
        return False
    first, second = top
    return (
        second > tuning.prose_second_share * total
        and first + second > tuning.prose_two_share * total
    )


def _row_size(row: Row) -> float:
    return max(w.size for p in row.pieces for w in p.words)


def _same_run(prev: Row, row: Row, line_h: float, tuning: WhitespaceTuning) -> bool:
    """A row belongs to the run of its predecessor unless a wide gap or a heading intervenes."""
    if row.y0 - prev.y1 > tuning.run_gap_lines * line_h:
        return False
    return len(row.pieces) > 1 or abs(_row_size(row) - _row_size(prev)) <= tuning.run_size_slack_pt


def find_whitespace_tables(
    lines: list[Line], page: int, ocr: bool, height: float, tuning: ExtractTuning
) -> tuple[list[TableDraft], list[Line]]:
    """Tables among `lines` and the lines that are not part of one.

    Lines in the outer margins (running headers and footers) never join a table. The
    thresholds are `tuning.whitespace`; the cells are read as in any table (`tuning.cells`).
    """
    ws = tuning.whitespace
    margin = margin_limits(height, tuning.furniture)
    edge = ws.margin_share
    body = [ln for ln in lines if ln.y0 < (1 - edge) * height and ln.y1 > edge * height]
    rows = _rows(body, ws)
    if len(rows) < _ROWS:
        return [], lines
    line_h = median(r.y1 - r.y0 for r in rows)
    leading = _leading(rows, line_h, ws.wrap_gap_lines)
    tables: list[TableDraft] = []
    used: set[int] = set()
    i = 0
    while i < len(rows):
        heads = i + 1 < len(rows) and _heads(rows[i], rows[i + 1], line_h, ws)
        if len(rows[i].pieces) < _CELLS and not heads:
            i += 1
            continue
        j = i + 1
        while j < len(rows) and _same_run(rows[j - 1], rows[j], line_h, ws):
            j += 1
        span = rows[i:j]
        last_multi = max(k for k, r in enumerate(span) if len(r.pieces) >= _CELLS)
        table, taken = _try_table(
            (span, last_multi), (page, ocr, margin), (line_h, leading), ws, tuning.cells
        )
        if table is None:
            i += 1
            continue
        tables.append(table)
        for row in span[:taken]:
            used.update(id(p.line) for p in row.pieces)
        i += max(taken, 1)
    rest = [ln for ln in lines if id(ln) not in used]
    return tables, rest


def _shaping_rows(core: list[Row], margin: tuple[float, float]) -> list[Row]:
    """The rows whose pieces shape the columns.

    A first row in the top margin band, or a last one in the bottom band, may be a running
    header or footer, known only once the whole document is read (furniture_rows.py); its
    pieces would close the gutters they cover. `margin` is where the top band ends and the
    bottom band begins.
    """
    top, bottom = margin
    rows = core
    if rows and rows[0].y1 <= top:
        rows = rows[1:]
    if rows and rows[-1].y0 >= bottom:
        rows = rows[:-1]
    return rows if sum(1 for r in rows if len(r.pieces) >= _CELLS) >= _ROWS else core


def _try_table(
    rows_in: tuple[list[Row], int],
    where: tuple[int, bool, tuple[float, float]],
    spacing: tuple[float, float],
    tuning: WhitespaceTuning,
    cells: CellTuning,
) -> tuple[TableDraft | None, int]:
    """The table starting at the first row of a span, and how many rows of the span it takes.

    `rows_in` is the span and the index of its last row of several pieces; `where` the page
    number, whether it was OCRed, and where its margin bands end (`_shaping_rows`); `spacing`
    the page's line height and the gap between the lines of a paragraph.
    """
    span, last_multi = rows_in
    page, ocr, margin = where
    line_h, _ = spacing
    core = span[: last_multi + 1]
    gutters = _gutters(_shaping_rows(core, margin), tuning)
    if not gutters:
        return None, 0
    taken = 0
    for k, row in enumerate(span):
        crossing = [p for p in row.pieces if _crosses(p, gutters)]
        if len(row.pieces) == 1 and crossing:
            break
        if k > last_multi and (
            len(row.pieces) > 1 or row.y0 - span[k - 1].y1 > tuning.wrap_gap_lines * line_h
        ):
            break
        taken = k + 1
    chosen = span[:taken]
    if len([r for r in chosen if len(r.pieces) >= _CELLS]) < _ROWS:
        return None, 0
    left = min(p.x0 for r in chosen for p in r.pieces)
    right = max(p.x1 for r in chosen for p in r.pieces)
    cols = _columns(gutters, left, right)
    if _is_prose(chosen, cols, tuning):
        return None, 0
    logical = _build(chosen, cols, spacing, tuning)
    rows = [[cell_text(c, cells) for c in lg.cells] for lg in logical]
    rows, keep = drop_empty_columns(rows)
    if len(rows) < _ROWS or len(keep) < _CELLS:
        return None, 0
    bbox = union([(p.x0, p.y0, p.x1, p.y1) for r in chosen for p in r.pieces])
    edges = [cols[i][0] for i in keep] + [right]
    bold = [lg.style[0] for lg in logical]
    bands = [(lg.y0, lg.y1) for lg in logical]
    table = TableDraft(
        page, bbox, rows, bold, edges, ruled=False, ocr=ocr, pages=[page], row_bands=bands
    )
    return table, taken
