"""Cells of scanned tables: the checks that send a cell to be read again, specks and
misreadings undone.

The page's OCR pass reads most cells right. General-purpose OCR does read small figures as
letters, drop minus signs and thousands dots and run neighbouring cells together; the cells
whose reading fails a check are read a second time with digits only (digits.py), and that
reading is taken where it gives an amount.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from shared.numbers import is_amount, restore_thousands_dot
from shared.years import is_year

from .grid import Grid
from .layout import Word
from .scan_image import Render, crop, erase_rules
from .scan_sums import repair_signs, restore_spilled_amounts, rows_not_adding_up
from .tables import scan_anchor
from .tuning import ExtractTuning, ScanCellTuning

Cell = tuple[int, int]

# A table of amounts has a label column and at least one amount column.
_MIN_COLUMNS = 2
# Amounts run together into one cell are at least two.
_MIN_RUN_TOGETHER = 2


def _cell_of(grid: Grid, x: float, y: float) -> Cell | None:
    row = next((r for r in range(len(grid.ys) - 1) if grid.ys[r] <= y <= grid.ys[r + 1]), None)
    col = next((c for c in range(len(grid.xs) - 1) if grid.xs[c] <= x <= grid.xs[c + 1]), None)
    return None if row is None or col is None else (row, col)


def _by_cell(grid: Grid, words: list[Word]) -> dict[Cell, list[Word]]:
    cells: dict[Cell, list[Word]] = {}
    for w in words:
        cell = _cell_of(grid, scan_anchor(w), w.yc)
        if cell is not None:
            cells.setdefault(cell, []).append(w)
    return cells


def _amountish(text: str) -> bool:
    return (is_amount(text) and not is_year(text)) or bool(_ZERO_LOOKALIKES.match(text))


def _texts(grid: Grid, words: list[Word]) -> dict[Cell, str]:
    return {cell: " ".join(w.text for w in ws) for cell, ws in _by_cell(grid, words).items()}


def data_rows(texts: dict[Cell, str], ncols: int, tuning: ScanCellTuning) -> set[int]:
    """Rows that show amounts (a year in a column title does not count); a table with fewer
    amount columns than `row_amounts` needs an amount in each."""
    need = min(tuning.row_amounts, ncols - 1)
    counts: dict[int, int] = {}
    for (row, col), text in texts.items():
        if col > 0 and _amountish(text):
            counts[row] = counts.get(row, 0) + 1
    return {row for row, n in counts.items() if n >= need}


def amount_columns(texts: dict[Cell, str], rows: set[int], tuning: ScanCellTuning) -> list[int]:
    """Columns (never the first, which holds the labels) where, in rows with amounts, at least
    `amount_share` of the filled cells are amounts.

    Cells of nothing but rule remnants ("|", ":") do not count either way.
    """
    out: list[int] = []
    for col in sorted({c for (r, c) in texts if r in rows and c > 0}):
        cells = [t for (r, c), t in texts.items() if r in rows and c == col]
        filled = sum(1 for t in cells if any(ch.isalnum() for ch in t))
        amounts = sum(1 for t in cells if _amountish(t))
        if amounts and amounts >= tuning.amount_share * filled:
            out.append(col)
    return out


def cells_to_reread(grid: Grid, words: list[Word], tuning: ScanCellTuning) -> list[Cell]:
    """Cells of an amount column whose reading fails a check, and figures read with a letter.

    In the rows that show amounts, a cell of an amount column fails when it holds no amount
    (a misreading, or a lone narrow figure the page pass passed over), and every amount cell of
    a row fails when the row does not add up in a table whose last column sums the others (a
    dropped minus, a digit misread). A figure with a letter in it ("B5%") fails in any column:
    text columns are not read as amounts at all, so a target value beside text would otherwise
    keep its misreading. Column titles keep their reading: their rows show no amounts.
    """
    texts = _texts(grid, words)
    ncols = len(grid.xs) - 1
    if ncols < _MIN_COLUMNS:
        return []
    rows = data_rows(texts, ncols, tuning)
    columns = amount_columns(texts, rows, tuning)
    failing = {
        (row, col) for row in rows for col in columns if not is_amount(texts.get((row, col), ""))
    }
    failing |= {
        cell for cell, text in texts.items() if cell[1] > 0 and _FIGURE_WITH_LETTER.match(text)
    }
    table = [[texts.get((row, col), "") for col in range(ncols)] for row in range(len(grid.ys) - 1)]
    for row in rows_not_adding_up(table, columns, tuning):
        failing |= {(row, col) for col in columns if texts.get((row, col))}
    return sorted(failing)


def inner_box(grid: Grid, cell: Cell, margin: float) -> tuple[float, float, float, float]:
    """The cell's rectangle `margin` inside its rules, clear of the rules' own pixels."""
    row, col = cell
    return (
        grid.xs[col] + margin,
        grid.ys[row] + margin,
        grid.xs[col + 1] - margin,
        grid.ys[row + 1] - margin,
    )


def cell_image(
    render: Render, grid: Grid, cell: Cell, tuning: ExtractTuning
) -> npt.NDArray[np.uint8] | None:
    """The pixels inside a cell's rules, rules that still cross it painted out."""
    cells = tuning.scan_cells
    cut = crop(render, inner_box(grid, cell, cells.rule_margin_pt), cells.min_crop_px)
    return None if cut is None else erase_rules(cut[0], render.scale, tuning.scan_rules)


def title_cells(grid: Grid, words: list[Word], tuning: ScanCellTuning) -> list[Cell]:
    """The column titles: the filled cells of the first row, when it shows no amounts."""
    texts = _texts(grid, words)
    if 0 in data_rows(texts, len(grid.xs) - 1, tuning):
        return []
    return sorted(cell for cell, text in texts.items() if cell[0] == 0 and text.strip())


def with_readings(
    grid: Grid, words: list[Word], readings: dict[Cell, str], tuning: ScanCellTuning
) -> list[Word]:
    """The words of the grid, the words of each cell read again replaced by its reading."""
    kept = [w for w in words if _cell_of(grid, scan_anchor(w), w.yc) not in readings]
    margin = tuning.rule_margin_pt
    return kept + [Word(*inner_box(grid, cell, margin), text) for cell, text in readings.items()]


# A figure with a letter OCR took for a digit ("B5%" for 85%).
_FIGURE_WITH_LETTER = re.compile(r"^(?=.*\d)(?=.*[BOSlI])[-(]?[\dBOSlI][\dBOSlI.,]*\)?%?$")


def _short(word: Word, tuning: ScanCellTuning) -> bool:
    return len(word.text) <= tuning.stray_chars


def _far(a: Word, b: Word, tuning: ScanCellTuning) -> bool:
    return b.x0 - a.x1 > tuning.stray_gap_em * max(a.y1 - a.y0, b.y1 - b.y0, 1.0)


def _line_without_strays(line: list[Word], tuning: ScanCellTuning) -> list[Word]:
    """A cell line without the specks OCR reads as short words far from the text."""
    start, end = 0, len(line)
    while end - start > 1 and _short(line[end - 1], tuning):
        end -= 1
    if end < len(line) and not _far(line[end - 1], line[end], tuning):
        end = len(line)
    while start < end - 1 and _short(line[start], tuning):
        start += 1
    if start > 0 and not _far(line[start - 1], line[start], tuning):
        start = 0
    return line[start:end]


def drop_strays(grid: Grid, words: list[Word], tuning: ExtractTuning) -> list[Word]:
    """Words of the grid without stray specks at the ends of cell lines.

    A cell's words are taken into lines as a born-digital cell's are (`cells.same_line_offset`).
    """
    out: list[Word] = []
    for cell_words in _by_cell(grid, words).values():
        lines: list[list[Word]] = []
        for w in sorted(cell_words, key=lambda w: (w.yc, w.x0)):
            reach = tuning.cells.same_line_offset * max(w.y1 - w.y0, 1.0)
            if lines and abs(lines[-1][-1].yc - w.yc) <= reach:
                lines[-1].append(w)
            else:
                lines.append([w])
        for line in lines:
            out.extend(_line_without_strays(sorted(line, key=lambda w: w.x0), tuning.scan_cells))
    return out


_NOISE = "|_‘‚'`*!¦"


def clean_word(word: Word, tuning: ScanCellTuning) -> bool:
    """Strip rule remnants and specks from an OCR word; False when nothing is left.

    OCR reads a speck beside a label as "_—" and a sliver of rule as "OO"; left in a cell they
    hide a key from whoever looks it up ("Taakveld —") or change a row's label.
    """
    word.text = word.text.strip(_NOISE)
    if any(ch.isalnum() for ch in word.text):
        return word.y1 - word.y0 >= tuning.min_glyph_pt
    return bool(word.text) and word.x1 - word.x0 >= tuning.speck_width_pt


_ZERO_LOOKALIKES = re.compile(r"^[ûÛüÜoOQD©]$|^ij$")
_LEADING_MINUS = re.compile(r"^[=~„]\s*(?=\d)|^-\s+-(?=\d)")
_TRAILING = re.compile(r"(?<=\d)[,.:;]+$")


_DOTTED = re.compile(r"\d\.\d{3}(?!\d)")
_BARE = re.compile(r"^(\(?-?)(\d{4,})(\)?)$")


def _thousands(text: str) -> str:
    """An amount with its thousands dots restored ("-12593" -> "-12.593", "4,514" -> "4.514")
    in a table that prints its amounts with dots."""
    restored = restore_thousands_dot(text)
    if restored != text:
        return restored
    bare = _BARE.match(text)
    if bare and not is_year(bare.group(2)):
        digits = bare.group(2)
        head = len(digits) % 3 or 3
        groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
        return bare.group(1) + ".".join(groups) + bare.group(3)
    return text


def repair_numeric_columns(rows: list[list[str]], tuning: ScanCellTuning) -> None:
    """Undo typical OCR confusions in columns that hold amounts.

    A lone round glyph in an amount column is a zero, "=" or a low quote before digits is a
    minus, and punctuation after the last digit is a speck. Where the table prints thousands
    with dots, a comma in that place or a missing dot is a misread too; a figure read into
    the label cell goes back to its empty cell where the column total confirms it. Text columns
    are left alone.
    """
    if not rows:
        return
    columns = [
        col
        for col in range(1, len(rows[0]))
        if (cells := [r[col] for r in rows if r[col]])
        and sum(_amounts_only(c) for c in cells) >= tuning.amount_share * len(cells)
    ]
    dotted = any(_DOTTED.search(r[col]) for r in rows for col in columns)
    for col in columns:
        for row in rows:
            text = row[col]
            if _ZERO_LOOKALIKES.match(text):
                row[col] = "0"
                continue
            if not is_amount(text):
                fixed = _TRAILING.sub("", _LEADING_MINUS.sub("-", text)).strip()
                if is_amount(fixed):
                    row[col] = text = fixed
            if dotted and is_amount(text):
                row[col] = _thousands(text)
    for row in rows:
        _spread_run_together(row, columns)
    restore_spilled_amounts(rows, columns, tuning)
    repair_signs(rows, columns, tuning)


def _amounts_only(cell: str) -> bool:
    """One amount, or several that OCR ran together."""
    return all(is_amount(t) for t in cell.split())


def _spread_run_together(row: list[str], columns: list[int]) -> None:
    """Amounts OCR read as one cell ("2.702.400 -64.500") go back to the empty amount cells
    beside it: after it, or failing that before it. Any other pattern is left as read."""
    for index, col in enumerate(columns):
        tokens = row[col].split()
        if len(tokens) < _MIN_RUN_TOGETHER or not all(
            is_amount(t) and not is_year(t) for t in tokens
        ):
            continue
        spare = len(tokens) - 1
        after = columns[index + 1 : index + 1 + spare]
        before = columns[max(index - spare, 0) : index]
        for targets in ([col, *after], [*before, col]):
            if len(targets) == len(tokens) and not any(row[c] for c in targets if c != col):
                for target, token in zip(targets, tokens, strict=True):
                    row[target] = token
                break
