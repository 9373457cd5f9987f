"""OCR of pages without a usable text layer.

Only pages that show an image and carry (almost) no extractable text are OCRed, so blank pages
and born-digital pages never reach Tesseract.

Whole-page OCR reads running text well but misses many small figures in ruled tables: the
rules touch the glyphs and the type is tiny at scan resolution. So the ruling lines are found
in the page image, and each table region is OCRed again on its own, upscaled and with the rules
painted out; its words replace the page OCR's words inside the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pymupdf

from shared.documents import BBox

from .grid import Grid, Segment, find_grids
from .layout import Line, Word, inside
from .limits import ExtractLimits
from .tables import TableDraft, fill_grid, is_amount
from .text import TEXT_FLAGS, read_lines

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


def ocr_region_words(render: _Render, grid: Grid, language: str) -> list[Word]:
    """Words of one table of the straightened image, OCRed on their own without rules."""
    rect = grid.bbox
    k = render.scale
    height, width = render.gray.shape
    c0 = max(int(rect[0] / k) - render.ox, 0)
    r0 = max(int(rect[1] / k) - render.oy, 0)
    c1 = min(int(rect[2] / k) - render.ox + 1, width)
    r1 = min(int(rect[3] / k) - render.oy + 1, height)
    if c1 - c0 < 8 or r1 - r0 < 8:
        return []
    crop = _erase_rules(render.gray[r0:r1, c0:c1], k)
    band = max(int(1.5 / k), 1)
    for x in grid.xs:
        c = int(x / k) - render.ox - c0
        crop[:, max(c - band, 0) : c + band + 1] = 255
    for y in grid.ys:
        r = int(y / k) - render.oy - r0
        crop[max(r - band, 0) : r + band + 1, :] = 255
    crop = np.ascontiguousarray(crop)
    gray = pymupdf.Pixmap(pymupdf.csGRAY, c1 - c0, r1 - r0, crop.tobytes(), 0)
    pix = pymupdf.Pixmap(pymupdf.csRGB, gray)  # MuPDF's OCR writer reads RGB only
    pix.set_dpi(render.dpi, render.dpi)
    pdf = pix.pdfocr_tobytes(language=language)
    x_base = (c0 + render.ox) * k
    y_base = (r0 + render.oy) * k
    words: list[Word] = []
    with pymupdf.open("pdf", pdf) as ocr_doc:
        sheet = ocr_doc[0]
        sx = (c1 - c0) * k / sheet.rect.width
        sy = (r1 - r0) * k / sheet.rect.height
        for w in sheet.get_text("words"):
            words.append(
                Word(
                    x_base + w[0] * sx,
                    y_base + w[1] * sy,
                    x_base + w[2] * sx,
                    y_base + w[3] * sy,
                    str(w[4]),
                    size=(w[3] - w[1]) * sy,
                )
            )
    return words


def _covered(segs: list[Segment], pos: float, start: float, stop: float) -> float:
    """Share of start..stop that segments near `pos` cover (skew-tolerant)."""
    total = sum(
        max(0.0, min(s[2], stop) - max(s[1], start)) for s in segs if abs(s[0] - pos) <= 4.0
    )
    return total / max(stop - start, 1.0)


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


def repair_numeric_columns(rows: list[list[str]]) -> None:
    """Undo typical OCR confusions in columns that hold amounts.

    A lone round glyph in an amount column is a zero, "=" or a low quote before digits is a
    minus, and punctuation after the last digit is a speck. Text columns are left alone.
    """
    if not rows:
        return
    for col in range(1, len(rows[0])):
        cells = [r[col] for r in rows if r[col]]
        if not cells or sum(is_amount(c) for c in cells) < 0.6 * len(cells):
            continue
        for row in rows:
            text = row[col]
            if _ZERO_LOOKALIKES.match(text):
                row[col] = "0"
            elif not is_amount(text):
                fixed = _TRAILING.sub("", _LEADING_MINUS.sub("-", text)).strip()
                if is_amount(fixed):
                    row[col] = fixed


def _to_page(box: BBox, angle: float) -> BBox:
    """A rectangle of the straightened frame as a bounding box on the page."""
    back = ~pymupdf.Matrix(1, 1).prerotate(angle)
    quad = pymupdf.Rect(box).quad * back
    rect = quad.rect
    return (rect.x0, rect.y0, rect.x1, rect.y1)


def ocr_page(
    page: pymupdf.Page, number: int, limits: ExtractLimits, tables: bool
) -> tuple[list[Line], list[TableDraft]]:
    """Lines of the OCRed page outside tables, and its ruled tables read region by region."""
    textpage = page.get_textpage_ocr(
        flags=_TEXT_FLAGS_OCR, language=limits.ocr_language, dpi=limits.ocr_dpi, full=True
    )
    lines = read_lines(page, textpage, number, ocr=True)
    if not tables:
        return lines, []
    angle = estimate_skew(_render(page, 100, 0.0).gray)
    grids = [g for g in find_grids(*image_segments(_render(page, _RULE_DPI, angle))) if _framed(g)]
    if not grids:
        return lines, []
    fine = _render(page, limits.ocr_cell_dpi, angle)
    drafts: list[TableDraft] = []
    for grid in grids:
        words = [w for w in ocr_region_words(fine, grid, limits.ocr_language) if _clean(w)]
        draft = fill_grid(grid, words, number, ocr=True)
        if draft is not None:
            repair_numeric_columns(draft.rows)
            draft.bbox = _to_page(grid.bbox, angle)
            drafts.append(draft)
    lines = [
        ln
        for ln in lines
        if not any(inside((ln.x0 + ln.x1) / 2, (ln.y0 + ln.y1) / 2, d.bbox) for d in drafts)
    ]
    return lines, drafts
