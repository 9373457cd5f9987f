"""OCR of pages without a usable text layer.

Only pages that show an image and carry (almost) no extractable text are OCRed, so blank pages
and born-digital pages never reach Tesseract.

Whole-page OCR reads running text well but misses many small figures in ruled tables: the
rules touch the glyphs and the type is tiny at scan resolution. So the ruling lines are found
in the page image, and each table region is OCRed again on its own, upscaled and with the rules
painted out; its words replace the page OCR's words inside the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pymupdf

from shared.documents import BBox

from .grid import Grid, Segment, find_grids
from .layout import Line, Word, inside
from .limits import ExtractLimits
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


def _gray(page: pymupdf.Page, dpi: int, clip: pymupdf.Rect | None = None) -> npt.NDArray[np.uint8]:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, clip=clip, alpha=False)
    arr = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    return arr[:, : pix.width]


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


def image_segments(page: pymupdf.Page) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical rules seen in the rendered page, in page coordinates."""
    gray = _gray(page, _RULE_DPI)
    mask = gray < _DARK
    # bridge one-pixel breaks of a faint or slightly skewed rule
    mask_h = mask.copy()
    mask_h[:, 1:] |= mask[:, :-1]
    mask_v = mask.copy()
    mask_v[1:, :] |= mask[:-1, :]
    scale = 72.0 / _RULE_DPI
    min_len = int(_MIN_RULE_PT / scale)
    hsegs = [((r + 0.5) * scale, a * scale, b * scale) for r, a, b in _runs(mask_h, min_len)]
    vsegs = [((c + 0.5) * scale, a * scale, b * scale) for c, a, b in _runs(mask_v.T, min_len)]
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


def ocr_region_words(page: pymupdf.Page, rect: BBox, limits: ExtractLimits) -> list[Word]:
    """Words of one page region, OCRed on their own at high resolution without rules."""
    clip = pymupdf.Rect(rect) & page.rect
    if clip.is_empty:
        return []
    dpi = limits.ocr_cell_dpi
    gray = _erase_rules(_gray(page, dpi, clip), 72.0 / dpi)
    height, width = gray.shape
    pix = pymupdf.Pixmap(pymupdf.csGRAY, width, height, np.ascontiguousarray(gray).tobytes(), 0)
    pix.set_dpi(dpi, dpi)
    pdf = pix.pdfocr_tobytes(language=limits.ocr_language)
    words: list[Word] = []
    with pymupdf.open("pdf", pdf) as ocr_doc:
        ocr_page_ = ocr_doc[0]
        sx = clip.width / ocr_page_.rect.width
        sy = clip.height / ocr_page_.rect.height
        for w in ocr_page_.get_text("words"):
            words.append(
                Word(
                    clip.x0 + w[0] * sx,
                    clip.y0 + w[1] * sy,
                    clip.x0 + w[2] * sx,
                    clip.y0 + w[3] * sy,
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


def ocr_page(
    page: pymupdf.Page, number: int, limits: ExtractLimits, tables: bool
) -> tuple[list[Line], list[Grid], list[Word]]:
    """Lines of the OCRed page, the ruled table grids seen in its image, and the words of
    those grids read again region by region."""
    textpage = page.get_textpage_ocr(
        flags=_TEXT_FLAGS_OCR, language=limits.ocr_language, dpi=limits.ocr_dpi, full=True
    )
    lines = read_lines(page, textpage, number, ocr=True)
    if not tables:
        return lines, [], []
    grids = find_grids(*image_segments(page))
    grids = [g for g in grids if _framed(g)]
    table_words: list[Word] = []
    for grid in grids:
        table_words.extend(ocr_region_words(page, grid.bbox, limits))
    if grids:
        lines = [
            ln
            for ln in lines
            if not any(inside((ln.x0 + ln.x1) / 2, (ln.y0 + ln.y1) / 2, g.bbox) for g in grids)
        ]
    return lines, grids, table_words
