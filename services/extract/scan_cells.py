"""Cells of scanned tables: amounts read again with digits only, specks and misreadings undone.

General-purpose OCR reads small figures as letters, drops thousands dots and runs neighbouring
cells together; the amount cells of a table are therefore read a second time with digits only
(digits.py), and that reading is taken wherever it gives an amount or the first one did not.
"""

from __future__ import annotations

import re

from shared.years import is_year

from .digits import Strip, read_cell, read_strips
from .grid import Grid
from .layout import Word
from .scan_image import Render, crop, erase_rules
from .scan_sums import repair_signs, restore_spilled_amounts
from .tables import is_amount, scan_anchor

Cell = tuple[int, int]

_STRAY_CHARS = 3  # specks read as words are this short
_MAX_CELL_READS = 12  # one Tesseract call each: bounded per table
_STRAY_GAP_EM = 1.5


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


def data_rows(readings: list[dict[Cell, str]], ncols: int) -> set[int]:
    """Rows that show amounts (a year in a column title does not count) in any reading."""
    need = 2 if ncols > 2 else 1
    rows: set[int] = set()
    for texts in readings:
        counts: dict[int, int] = {}
        for (row, col), text in texts.items():
            if col > 0 and _amountish(text):
                counts[row] = counts.get(row, 0) + 1
        rows |= {row for row, n in counts.items() if n >= need}
    return rows


def amount_columns(readings: list[dict[Cell, str]], rows: set[int]) -> list[int]:
    """Columns (never the first, which holds the labels) where, in rows with amounts, at least
    half of the filled cells are amounts in one of the readings.

    Cells of nothing but rule remnants ("|", ":") do not count either way.
    """
    cells = {cell for texts in readings for cell in texts if cell[0] in rows and cell[1] > 0}
    out: list[int] = []
    for col in sorted({c for _, c in cells}):
        filled = amounts = 0
        for cell in (c for c in cells if c[1] == col):
            texts = [t.get(cell, "") for t in readings]
            if any(any(ch.isalnum() for ch in t) for t in texts):
                filled += 1
                amounts += any(_amountish(t) for t in texts)
        if amounts and amounts >= 0.5 * filled:
            out.append(col)
    return out


def _strip(render: Render, grid: Grid, col: int) -> Strip | None:
    k = render.scale
    cut = crop(render, (grid.xs[col], grid.bbox[1], grid.xs[col + 1], grid.bbox[3]))
    if cut is None:
        return None
    gray, c0, r0 = cut
    gray = erase_rules(gray, k)
    band = max(int(2.0 / k), 1)
    gray[:, :band] = 255
    gray[:, -band:] = 255
    return Strip(gray, (c0 + render.ox) * k, (r0 + render.oy) * k, k)


def reread_amounts(render: Render, grid: Grid, words: list[Word], language: str) -> list[Word]:
    """Replace the words of amount cells by a digits-only reading of the same cells.

    Only rows that show amounts in either reading take part, so column titles keep their
    first reading; an empty cell of such a row is filled too, so figures that ran into the
    neighbouring cell come back to their own column. A cell still no amount is read once
    more on its own, and so is a figure with a letter in it in any column.
    """
    return _reread_figures_with_letters(
        render, grid, _reread_columns(render, grid, words, language), language
    )


def _reread_columns(render: Render, grid: Grid, words: list[Word], language: str) -> list[Word]:
    """The amount columns read again as one image, and cells still no amount one by one."""
    ncols = len(grid.xs) - 1
    first = _texts(grid, words)
    if ncols < 2 or sum(1 for (_, c), t in first.items() if c > 0 and _amountish(t)) < 2:
        return words
    strips = [_strip(render, grid, col) for col in range(1, ncols)]
    if any(s is None for s in strips):
        return words
    digits = [w for ws in read_strips([s for s in strips if s], render.dpi, language) for w in ws]
    reread = _by_cell(grid, [w for w in digits if clean_word(w)])
    second = {cell: " ".join(w.text for w in ws) for cell, ws in reread.items()}
    rows = data_rows([first, second], ncols)
    columns = amount_columns([first, second], rows)
    replaced: set[Cell] = set()
    for cell, new in second.items():
        wanted = cell[0] in rows and cell[1] in columns
        if wanted and (is_amount(new) or not _amountish(first.get(cell, ""))):
            replaced.add(cell)
    kept = [w for w in words if _cell_of(grid, scan_anchor(w), w.yc) not in replaced]
    out = kept + [w for cell in replaced for w in reread[cell]]
    final = {**first, **{c: second[c] for c in replaced}}
    misread = [
        cell
        for cell, text in sorted(final.items())
        if cell[0] in rows and cell[1] in columns and text and not is_amount(text)
    ]
    for cell in misread[:_MAX_CELL_READS]:
        word = _read_one_cell(render, grid, cell, language)
        if word is not None:
            out = [w for w in out if _cell_of(grid, scan_anchor(w), w.yc) != cell] + [word]
    return out


# A figure with a letter OCR took for a digit ("B5%" for 85%): a cell of its own, in any column.
_FIGURE_WITH_LETTER = re.compile(r"^(?=.*\d)(?=.*[BOSlI])[-(]?[\dBOSlI][\dBOSlI.,]*\)?%?$")


def _reread_figures_with_letters(
    render: Render, grid: Grid, words: list[Word], language: str
) -> list[Word]:
    """Cells that read as a figure with a letter in it, read again with digits only; the new
    reading counts only when it is an amount. Text columns are not read as amounts at all,
    so a target value like "85%" beside text would otherwise keep its misreading."""
    cells = [
        cell
        for cell, text in sorted(_texts(grid, words).items())
        if cell[1] > 0 and _FIGURE_WITH_LETTER.match(text)
    ]
    for cell in cells[:_MAX_CELL_READS]:
        word = _read_one_cell(render, grid, cell, language)
        if word is not None:
            words = [w for w in words if _cell_of(grid, scan_anchor(w), w.yc) != cell] + [word]
    return words


def _read_one_cell(render: Render, grid: Grid, cell: Cell, language: str) -> Word | None:
    row, col = cell
    box = (grid.xs[col] + 1.5, grid.ys[row] + 1.5, grid.xs[col + 1] - 1.5, grid.ys[row + 1] - 1.5)
    cut = crop(render, box)
    if cut is None:
        return None
    text = read_cell(erase_rules(cut[0], render.scale), render.dpi, language)
    return Word(*box, text) if is_amount(text) else None


def _short(word: Word) -> bool:
    return len(word.text) <= _STRAY_CHARS


def _far(a: Word, b: Word) -> bool:
    return b.x0 - a.x1 > _STRAY_GAP_EM * max(a.y1 - a.y0, b.y1 - b.y0, 1.0)


def _line_without_strays(line: list[Word]) -> list[Word]:
    """A cell line without the specks OCR reads as short words far from the text."""
    start, end = 0, len(line)
    while end - start > 1 and _short(line[end - 1]):
        end -= 1
    if end < len(line) and not _far(line[end - 1], line[end]):
        end = len(line)
    while start < end - 1 and _short(line[start]):
        start += 1
    if start > 0 and not _far(line[start - 1], line[start]):
        start = 0
    return line[start:end]


def drop_strays(grid: Grid, words: list[Word]) -> list[Word]:
    """Words of the grid without stray specks at the ends of cell lines."""
    out: list[Word] = []
    for cell_words in _by_cell(grid, words).values():
        lines: list[list[Word]] = []
        for w in sorted(cell_words, key=lambda w: (w.yc, w.x0)):
            if lines and abs(lines[-1][-1].yc - w.yc) <= 0.45 * max(w.y1 - w.y0, 1.0):
                lines[-1].append(w)
            else:
                lines.append([w])
        for line in lines:
            out.extend(_line_without_strays(sorted(line, key=lambda w: w.x0)))
    return out


_NOISE = "|_‘‚'`*!¦"
# Punctuation this narrow is a speck: a printed dash or minus is several points wide.
_SPECK_WIDTH_PT = 1.0
# Letters and figures this low are a piece of rule: the smallest printed type is taller.
_MIN_GLYPH_PT = 2.0


def clean_word(word: Word) -> bool:
    """Strip rule remnants and specks from an OCR word; False when nothing is left.

    OCR reads a speck beside a label as "_—" and a sliver of rule as "OO"; left in a cell they
    hide a key from whoever looks it up ("Taakveld —") or change a row's label.
    """
    word.text = word.text.strip(_NOISE)
    if any(ch.isalnum() for ch in word.text):
        return word.y1 - word.y0 >= _MIN_GLYPH_PT
    return bool(word.text) and word.x1 - word.x0 >= _SPECK_WIDTH_PT


_ZERO_LOOKALIKES = re.compile(r"^[ûÛüÜoOQD©]$|^ij$")
_LEADING_MINUS = re.compile(r"^[=~„]\s*(?=\d)|^-\s+-(?=\d)")
_TRAILING = re.compile(r"(?<=\d)[,.:;]+$")


_DOTTED = re.compile(r"\d\.\d{3}(?!\d)")
_COMMA_THOUSANDS = re.compile(r"^(\(?-?\d{1,3}),(\d{3}\)?)$")
_BARE = re.compile(r"^(\(?-?)(\d{4,})(\)?)$")


def _thousands(text: str) -> str:
    """An amount with its thousands dots restored ("-12593" -> "-12.593", "4,514" -> "4.514")
    in a table that prints its amounts with dots."""
    comma = _COMMA_THOUSANDS.match(text)
    if comma:
        return f"{comma.group(1)}.{comma.group(2)}"
    bare = _BARE.match(text)
    if bare and not is_year(bare.group(2)):
        digits = bare.group(2)
        head = len(digits) % 3 or 3
        groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
        return bare.group(1) + ".".join(groups) + bare.group(3)
    return text


def repair_numeric_columns(rows: list[list[str]]) -> None:
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
        and sum(_amounts_only(c) for c in cells) >= 0.5 * len(cells)
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
    restore_spilled_amounts(rows, columns)
    repair_signs(rows, columns)


def _amounts_only(cell: str) -> bool:
    """One amount, or several that OCR ran together."""
    return all(is_amount(t) for t in cell.split())


def _spread_run_together(row: list[str], columns: list[int]) -> None:
    """Amounts OCR read as one cell ("2.702.400 -64.500") go back to the empty amount cells
    beside it: after it, or failing that before it. Any other pattern is left as read."""
    for index, col in enumerate(columns):
        tokens = row[col].split()
        if len(tokens) < 2 or not all(is_amount(t) and not is_year(t) for t in tokens):
            continue
        spare = len(tokens) - 1
        after = columns[index + 1 : index + 1 + spare]
        before = columns[max(index - spare, 0) : index]
        for targets in ([col, *after], [*before, col]):
            if len(targets) == len(tokens) and not any(row[c] for c in targets if c != col):
                for target, token in zip(targets, tokens, strict=True):
                    row[target] = token
                break
