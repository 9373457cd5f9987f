"""OCR of pages without a usable text layer.

Only pages that show an image and carry (almost) no extractable text are OCRed, so blank pages
and born-digital pages never reach Tesseract.

Whole-page OCR reads running text well but misses many small figures in ruled tables: the
rules touch the glyphs and the type is tiny at scan resolution. So the ruling lines are found
in the page image, and each table region is OCRed again on its own, upscaled and with the rules
painted out; its words replace the page OCR's words inside the table.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pymupdf

from shared.documents import BBox

from .binarize import clean_ink, to_gray
from .bullets import bullet_before
from .digits import Strip, read_cell, read_strips
from .grid import Grid, Segment, find_grids
from .layout import Line, Word, inside
from .limits import ExtractLimits
from .tables import YEAR, TableDraft, fill_grid, is_amount
from .text import TEXT_FLAGS, ocr_bullet_spans, read_lines, split_marker

_MIN_CHARS = 20
_RULE_DPI = 150
_DARK = 200
_MIN_RULE_PT = 10.0
_TEXT_FLAGS_OCR = TEXT_FLAGS

Mask = npt.NDArray[np.bool_]


@dataclass(slots=True)
class OcrBudget:
    """How many more pages may be OCRed in this document."""

    limit: int
    used: int = 0
    skipped: int = 0

    def take(self) -> bool:
        if self.used < self.limit:
            self.used += 1
            return True
        self.skipped += 1
        return False


def needs_ocr(page: pymupdf.Page, lines: list[Line]) -> bool:
    """A page that shows a picture but has too little real text is a scan."""
    text = "".join(ln.text for ln in lines)
    usable = sum(1 for ch in text if ch.isalnum())
    garbage = text.count("\ufffd")
    if usable >= _MIN_CHARS and garbage < 0.1 * max(len(text), 1):
        return False
    area = abs(page.rect)
    covered = 0.0
    for info in page.get_image_info():
        bbox = pymupdf.Rect(info["bbox"]) & page.rect
        covered += abs(bbox)
        if covered >= 0.2 * area:
            return True
    return False


@dataclass(slots=True)
class _Render:
    """A page image rendered straightened: pixel (c, r) is point
    ((c + ox) * 72 / dpi, (r + oy) * 72 / dpi) of the deskewed page frame."""

    gray: npt.NDArray[np.uint8]
    dpi: int
    ox: int
    oy: int

    @property
    def scale(self) -> float:
        return 72.0 / self.dpi


def _render(page: pymupdf.Page, dpi: int, angle: float) -> _Render:
    matrix = pymupdf.Matrix(dpi / 72, dpi / 72).prerotate(angle)
    pix = page.get_pixmap(matrix=matrix, colorspace=pymupdf.csGRAY, alpha=False)
    arr = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    return _Render(arr[:, : pix.width], dpi, pix.x, pix.y)


def estimate_skew(gray: npt.NDArray[np.uint8]) -> float:
    """Rotation in degrees that makes text lines and rules horizontal (projection profiles:
    the angle at which dark pixels pile up in the fewest rows)."""
    mask = (gray < _DARK).astype(np.float32)
    height, width = mask.shape
    strips = 32
    strip_w = max(width // strips, 1)
    profiles = [mask[:, i * strip_w : (i + 1) * strip_w].sum(axis=1) for i in range(strips)]
    centres = (np.arange(strips) + 0.5) * strip_w
    pad = int(width * np.tan(np.radians(2.0))) + 2
    best_angle, best_score = 0.0, -1.0
    for angle in np.arange(-1.5, 1.5001, 0.05):
        tan = np.tan(np.radians(angle))
        total = np.zeros(height + 2 * pad, dtype=np.float32)
        for centre, profile in zip(centres, profiles, strict=True):
            shift = int(np.rint(centre * tan)) + pad
            total[shift : shift + height] += profile
        score = float(np.square(total).sum())
        if score > best_score:
            best_angle, best_score = float(angle), score
    return best_angle


def _runs(mask: Mask, min_len: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every horizontal run of True at least `min_len` long."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    diff = np.diff(padded, axis=1)
    starts = np.argwhere(diff == 1)
    ends = np.argwhere(diff == -1)
    keep = (ends[:, 1] - starts[:, 1]) >= min_len
    return [
        (int(r), int(a), int(b)) for (r, a), b in zip(starts[keep], ends[keep][:, 1], strict=True)
    ]


def image_segments(render: _Render) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical rules seen in the straightened image, in its frame."""
    mask = render.gray < _DARK
    # bridge one-pixel breaks of a faint rule
    mask_h = mask.copy()
    mask_h[:, 1:] |= mask[:, :-1]
    mask_v = mask.copy()
    mask_v[1:, :] |= mask[:-1, :]
    k, ox, oy = render.scale, render.ox, render.oy
    min_len = int(_MIN_RULE_PT / k)
    hsegs = [((r + oy + 0.5) * k, (a + ox) * k, (b + ox) * k) for r, a, b in _runs(mask_h, min_len)]
    vsegs = [
        ((c + ox + 0.5) * k, (a + oy) * k, (b + oy) * k) for c, a, b in _runs(mask_v.T, min_len)
    ]
    return hsegs, _attached(vsegs, hsegs)


def _attached(vsegs: list[Segment], hsegs: list[Segment], tol: float = 3.0) -> list[Segment]:
    """Vertical strokes that run between two rules: cell borders, not tall glyphs."""
    if not hsegs:
        return []
    ys = np.array([h[0] for h in hsegs])
    x0s = np.array([h[1] for h in hsegs])
    x1s = np.array([h[2] for h in hsegs])
    out: list[Segment] = []
    for x, y0, y1 in vsegs:
        near_x = (x0s - tol <= x) & (x <= x1s + tol)
        top = bool(np.any(near_x & (np.abs(ys - y0) <= tol)))
        bottom = bool(np.any(near_x & (np.abs(ys - y1) <= tol)))
        if top or bottom:
            out.append((x, y0, y1))
    return out


def _erase_rules(gray: npt.NDArray[np.uint8], scale: float) -> npt.NDArray[np.uint8]:
    """Paint long straight rules white so they do not merge with glyphs."""
    img = gray.copy()
    mask = img < _DARK
    min_len = int(_MIN_RULE_PT * 2 / scale)
    for r, a, b in _runs(mask, min_len):
        img[max(r - 1, 0) : r + 2, a:b] = 255
    for c, a, b in _runs(mask.T, min_len):
        img[a:b, max(c - 1, 0) : c + 2] = 255
    return img


def _crop(render: _Render, rect: BBox) -> tuple[npt.NDArray[np.uint8], int, int] | None:
    """The pixels of a rectangle of the straightened frame, with their top-left pixel."""
    k = render.scale
    height, width = render.gray.shape
    c0 = max(int(rect[0] / k) - render.ox, 0)
    r0 = max(int(rect[1] / k) - render.oy, 0)
    c1 = min(int(rect[2] / k) - render.ox + 1, width)
    r1 = min(int(rect[3] / k) - render.oy + 1, height)
    if c1 - c0 < 8 or r1 - r0 < 8:
        return None
    return render.gray[r0:r1, c0:c1], c0, r0


def _ocr_sheet(gray: npt.NDArray[np.uint8], dpi: int, language: str) -> bytes:
    """A one-page PDF whose text layer is Tesseract's reading of the image."""
    height, width = gray.shape
    plain = pymupdf.Pixmap(pymupdf.csGRAY, width, height, np.ascontiguousarray(gray).tobytes(), 0)
    pix = pymupdf.Pixmap(pymupdf.csRGB, plain)  # MuPDF's OCR writer reads RGB only
    pix.set_dpi(dpi, dpi)
    data: bytes = pix.pdfocr_tobytes(language=language)
    return data


@dataclass(slots=True)
class _Placement:
    """How points of an OCR sheet map to the straightened page frame."""

    sx: float
    sy: float
    dx: float
    dy: float

    def box(self, x0: float, y0: float, x1: float, y1: float) -> BBox:
        return (
            self.dx + x0 * self.sx,
            self.dy + y0 * self.sy,
            self.dx + x1 * self.sx,
            self.dy + y1 * self.sy,
        )


def _placement(
    sheet: pymupdf.Page, render: _Render, c0: int, r0: int, shape: tuple[int, int]
) -> _Placement:
    k = render.scale
    return _Placement(
        sx=shape[1] * k / sheet.rect.width,
        sy=shape[0] * k / sheet.rect.height,
        dx=(c0 + render.ox) * k,
        dy=(r0 + render.oy) * k,
    )


def _clean_image(gray: npt.NDArray[np.uint8], dpi: int) -> npt.NDArray[np.uint8]:
    return to_gray(clean_ink(_erase_rules(gray, 72.0 / dpi), dpi))


def ocr_region_words(render: _Render, grid: Grid, language: str) -> list[Word]:
    """Words of one table of the straightened image, OCRed on their own without rules."""
    cut = _crop(render, grid.bbox)
    if cut is None:
        return []
    crop, c0, r0 = cut
    k = render.scale
    crop = crop.copy()
    band = max(int(1.5 / k), 1)
    # paint the rules found, not whole grid lines: those would cut through spanning cells
    for x in grid.xs:
        c = int(x / k) - render.ox - c0
        for _, y0, y1 in (s for s in grid.vsegs if abs(s[0] - x) <= 2.0):
            rows = slice(max(int(y0 / k) - render.oy - r0, 0), int(y1 / k) - render.oy - r0 + 1)
            crop[rows, max(c - band, 0) : c + band + 1] = 255
    for y in grid.ys:
        r = int(y / k) - render.oy - r0
        crop[max(r - band, 0) : r + band + 1, :] = 255
    crop = _erase_rules(crop, k)
    words: list[Word] = []
    with pymupdf.open("pdf", _ocr_sheet(crop, render.dpi, language)) as ocr_doc:
        sheet = ocr_doc[0]
        place = _placement(sheet, render, c0, r0, crop.shape)
        for w in sheet.get_text("words"):
            x0, y0, x1, y1 = place.box(w[0], w[1], w[2], w[3])
            words.append(Word(x0, y0, x1, y1, str(w[4]), size=y1 - y0))
    return words


def _moved(line: Line, place: _Placement) -> Line:
    spans = [s.model_copy(update={"bbox": place.box(*s.bbox)}) for s in line.spans]
    spans = [s.model_copy(update={"size": s.size * place.sy}) for s in spans]
    words = []
    for w in line.words:
        x0, y0, x1, y1 = place.box(w.x0, w.y0, w.x1, w.y1)
        words.append(Word(x0, y0, x1, y1, w.text, w.bold, w.italic, w.size * place.sy))
    spans = ocr_bullet_spans(spans)
    x0, y0, x1, y1 = place.box(line.x0, line.y0, line.x1, line.y1)
    return Line(x0, y0, x1, y1, spans, words, page=line.page, ocr=True)


def ocr_page_lines(render: _Render, number: int, language: str) -> list[Line]:
    """Lines of the whole straightened page, read from a cleaned black-and-white image."""
    gray = _clean_image(render.gray, render.dpi)
    with pymupdf.open("pdf", _ocr_sheet(gray, render.dpi, language)) as ocr_doc:
        sheet = ocr_doc[0]
        place = _placement(sheet, render, 0, 0, gray.shape)
        textpage = sheet.get_textpage(flags=_TEXT_FLAGS_OCR)
        lines = [_moved(ln, place) for ln in read_lines(sheet, textpage, number, ocr=True)]
    ink = gray < 128
    k = render.scale
    for line in lines:
        c0 = int(line.x0 / k) - render.ox
        r0 = int(line.y0 / k) - render.oy
        r1 = int(line.y1 / k) - render.oy
        if not split_marker(line.text)[0] and bullet_before(ink, c0, r0, r1):
            first = line.spans[0]
            line.spans[0] = first.model_copy(update={"text": "• " + first.text.lstrip()})
    return lines


Cell = tuple[int, int]


def _cell_of(grid: Grid, x: float, y: float) -> Cell | None:
    row = next((r for r in range(len(grid.ys) - 1) if grid.ys[r] <= y <= grid.ys[r + 1]), None)
    col = next((c for c in range(len(grid.xs) - 1) if grid.xs[c] <= x <= grid.xs[c + 1]), None)
    return None if row is None or col is None else (row, col)


def _by_cell(grid: Grid, words: list[Word]) -> dict[Cell, list[Word]]:
    cells: dict[Cell, list[Word]] = {}
    for w in words:
        cell = _cell_of(grid, w.xc, w.yc)
        if cell is not None:
            cells.setdefault(cell, []).append(w)
    return cells


def _amountish(text: str) -> bool:
    return (is_amount(text) and not YEAR.match(text)) or bool(_ZERO_LOOKALIKES.match(text))


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


def _strip(render: _Render, grid: Grid, col: int) -> Strip | None:
    k = render.scale
    cut = _crop(render, (grid.xs[col], grid.bbox[1], grid.xs[col + 1], grid.bbox[3]))
    if cut is None:
        return None
    gray, c0, r0 = cut
    gray = _erase_rules(gray, k)
    band = max(int(2.0 / k), 1)
    gray[:, :band] = 255
    gray[:, -band:] = 255
    return Strip(gray, (c0 + render.ox) * k, (r0 + render.oy) * k, k)


def reread_amounts(render: _Render, grid: Grid, words: list[Word], language: str) -> list[Word]:
    """Replace the words of amount cells by a digits-only reading of the same cells.

    Only rows that show amounts in either reading take part, so column titles keep their
    first reading; an empty cell of such a row is filled too, so figures that ran into the
    neighbouring cell come back to their own column.
    """
    ncols = len(grid.xs) - 1
    first = _texts(grid, words)
    if ncols < 2 or sum(1 for (_, c), t in first.items() if c > 0 and _amountish(t)) < 2:
        return words
    strips = [_strip(render, grid, col) for col in range(1, ncols)]
    if any(s is None for s in strips):
        return words
    digits = [w for ws in read_strips([s for s in strips if s], render.dpi, language) for w in ws]
    reread = _by_cell(grid, [w for w in digits if _clean(w)])
    second = {cell: " ".join(w.text for w in ws) for cell, ws in reread.items()}
    rows = data_rows([first, second], ncols)
    columns = amount_columns([first, second], rows)
    replaced: set[Cell] = set()
    for cell, new in second.items():
        wanted = cell[0] in rows and cell[1] in columns
        if wanted and (is_amount(new) or not _amountish(first.get(cell, ""))):
            replaced.add(cell)
    kept = [w for w in words if _cell_of(grid, w.xc, w.yc) not in replaced]
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
            out = [w for w in out if _cell_of(grid, w.xc, w.yc) != cell] + [word]
    return out


def _read_one_cell(render: _Render, grid: Grid, cell: Cell, language: str) -> Word | None:
    row, col = cell
    box = (grid.xs[col] + 1.5, grid.ys[row] + 1.5, grid.xs[col + 1] - 1.5, grid.ys[row + 1] - 1.5)
    cut = _crop(render, box)
    if cut is None:
        return None
    text = read_cell(_erase_rules(cut[0], render.scale), render.dpi, language)
    return Word(*box, text) if is_amount(text) else None


_STRAY_CHARS = 3
_MAX_CELL_READS = 12
_STRAY_GAP_EM = 1.5


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


def _covered(segs: list[Segment], pos: float, start: float, stop: float, tol: float = 4.0) -> float:
    """Share of start..stop that segments near `pos` cover (skew-tolerant)."""
    total = sum(
        max(0.0, min(s[2], stop) - max(s[1], start)) for s in segs if abs(s[0] - pos) <= tol
    )
    return total / max(stop - start, 1.0)


def _crossing(lines: list[float], segs: list[Segment], borders: list[float]) -> list[float]:
    """The outer lines, and the inner ones that run across at least one whole cell."""
    return [
        pos
        for i, pos in enumerate(lines)
        if i in (0, len(lines) - 1)
        or any(_covered(segs, pos, a, b, tol=2.0) >= 0.9 for a, b in itertools.pairwise(borders))
    ]


def ruled_cells(grid: Grid) -> Grid:
    """The grid without rules that do not cross a single cell from border to border.

    In a scan the serifs along the baseline of bold text fuse into long dark runs, and tall
    letters stacked in a two-line heading into short strokes; both look like bits of rule,
    while a real rule spans at least one whole cell.
    """
    ys = _crossing(grid.ys, grid.hsegs, grid.xs)
    xs = _crossing(grid.xs, grid.vsegs, ys)
    return Grid(grid.bbox, xs, ys, grid.vsegs, grid.hsegs)


def _framed(grid: Grid) -> bool:
    """A table grid in a scan has a full frame and at least two rows and three columns;
    anything less is noise, a rule under a heading, or a box around text."""
    x0, y0, x1, y1 = grid.bbox
    if len(grid.xs) < 3 or len(grid.ys) < 3:
        return False
    return (
        _covered(grid.vsegs, x0, y0, y1) > 0.8
        and _covered(grid.vsegs, x1, y0, y1) > 0.8
        and _covered(grid.hsegs, y0, x0, x1) > 0.8
        and _covered(grid.hsegs, y1, x0, x1) > 0.8
    )


_NOISE = "|_‘‚'`*!¦"


def _clean(word: Word) -> bool:
    """Strip rule remnants and specks from an OCR word; False when nothing is left."""
    word.text = word.text.strip(_NOISE)
    return bool(word.text)


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
    if bare and not YEAR.match(bare.group(2)):
        digits = bare.group(2)
        head = len(digits) % 3 or 3
        groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
        return bare.group(1) + ".".join(groups) + bare.group(3)
    return text


def repair_numeric_columns(rows: list[list[str]]) -> None:
    """Undo typical OCR confusions in columns that hold amounts.

    A lone round glyph in an amount column is a zero, "=" or a low quote before digits is a
    minus, and punctuation after the last digit is a speck. Where the table prints thousands
    with dots, a comma in that place or a missing dot is a misread too. Text columns are left
    alone.
    """
    if not rows:
        return
    columns = [
        col
        for col in range(1, len(rows[0]))
        if (cells := [r[col] for r in rows if r[col]])
        and sum(is_amount(c) for c in cells) >= 0.5 * len(cells)
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


def ocr_page(
    page: pymupdf.Page, number: int, limits: ExtractLimits, tables: bool
) -> tuple[list[Line], list[TableDraft]]:
    """Lines of the OCRed page outside tables, and its ruled tables read region by region.

    Everything is in the straightened frame of the page: text lines are level there, which
    the paragraph and table analysis rely on, and for the small angles of a scan it differs
    from the page by a few points at most.
    """
    angle = estimate_skew(_render(page, 100, 0.0).gray)
    render = _render(page, limits.ocr_dpi, angle)
    lines = ocr_page_lines(render, number, limits.ocr_language)
    if not tables:
        return lines, []
    grids = [g for g in find_grids(*image_segments(_render(page, _RULE_DPI, angle))) if _framed(g)]
    grids = [ruled_cells(g) for g in grids]
    if not grids:
        return lines, []
    fine = _render(page, limits.ocr_cell_dpi, angle)
    drafts: list[TableDraft] = []
    for grid in grids:
        words = [w for w in ocr_region_words(fine, grid, limits.ocr_language) if _clean(w)]
        words = drop_strays(grid, reread_amounts(render, grid, words, limits.ocr_language))
        draft = fill_grid(grid, words, number, ocr=True)
        if draft is not None:
            repair_numeric_columns(draft.rows)
            drafts.append(draft)
    lines = [
        ln
        for ln in lines
        if not any(inside((ln.x0 + ln.x1) / 2, (ln.y0 + ln.y1) / 2, d.bbox) for d in drafts)
    ]
    return lines, drafts
