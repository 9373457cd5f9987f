"""OCR of pages without a usable text layer.

Only pages that show an image and carry (almost) no extractable text are OCRed, so blank pages
and born-digital pages never reach Tesseract.

The page is straightened and cleaned (binarize.py) before Tesseract reads it. Whole-page OCR
reads running text well but misses many small figures in ruled tables: the rules touch the
glyphs and the type is tiny at scan resolution. So the ruling lines are found in the page image
(scan_image.py), and each table region is OCRed again on its own, upscaled, with the rules
painted out and the cell shading whitened; its words replace the page OCR's words inside the
table, and its amount cells are read once more with digits only (scan_cells.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from multiprocessing.sharedctypes import Synchronized

import numpy as np
import numpy.typing as npt
import pymupdf

from shared.documents import BBox

from .binarize import clean_ink, to_gray, without_paper
from .bullets import bullet_before
from .grid import Grid, find_grids
from .layout import Line, Word, inside
from .limits import ExtractLimits
from .scan_cells import clean_word, drop_strays, repair_numeric_columns, reread_amounts
from .scan_image import (
    Render,
    crop,
    erase_rules,
    estimate_skew,
    framed,
    image_segments,
    render_page,
    ruled_cells,
)
from .tables import TableDraft, fill_grid
from .text import TEXT_FLAGS, ocr_bullet_spans, read_lines, split_marker

_MIN_CHARS = 20
_RULE_DPI = 150
_TEXT_FLAGS_OCR = TEXT_FLAGS


class OcrBudget:
    """How many more pages may be OCRed in this document.

    The pages left are a counter in shared memory: when a document's pages are analysed in
    several processes, they all draw on it, so the limit holds for the document as a whole.
    """

    def __init__(self, left: Synchronized[int]) -> None:
        self.left = left
        self.skipped = 0

    def take(self) -> bool:
        with self.left.get_lock():
            if self.left.value > 0:
                self.left.value -= 1
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
    sheet: pymupdf.Page, render: Render, c0: int, r0: int, shape: tuple[int, int]
) -> _Placement:
    k = render.scale
    return _Placement(
        sx=shape[1] * k / sheet.rect.width,
        sy=shape[0] * k / sheet.rect.height,
        dx=(c0 + render.ox) * k,
        dy=(r0 + render.oy) * k,
    )


def _clean_image(gray: npt.NDArray[np.uint8], dpi: int) -> npt.NDArray[np.uint8]:
    return to_gray(clean_ink(erase_rules(gray, 72.0 / dpi), dpi))


def ocr_region_words(render: Render, grid: Grid, language: str) -> list[Word]:
    """Words of one table of the straightened image, OCRed on their own without rules."""
    cut = crop(render, grid.bbox)
    if cut is None:
        return []
    image, c0, r0 = cut
    k = render.scale
    image = image.copy()
    band = max(int(1.5 / k), 1)
    # paint the rules found, not whole grid lines: those would cut through spanning cells
    for x in grid.xs:
        c = int(x / k) - render.ox - c0
        for _, y0, y1 in (s for s in grid.vsegs if abs(s[0] - x) <= 2.0):
            rows = slice(max(int(y0 / k) - render.oy - r0, 0), int(y1 / k) - render.oy - r0 + 1)
            image[rows, max(c - band, 0) : c + band + 1] = 255
    for y in grid.ys:
        r = int(y / k) - render.oy - r0
        image[max(r - band, 0) : r + band + 1, :] = 255
    image = without_paper(erase_rules(image, k))
    words: list[Word] = []
    with pymupdf.open("pdf", _ocr_sheet(image, render.dpi, language)) as ocr_doc:
        sheet = ocr_doc[0]
        place = _placement(sheet, render, c0, r0, image.shape)
        for w in sheet.get_text("words"):
            x0, y0, x1, y1 = place.box(w[0], w[1], w[2], w[3])
            words.append(Word(x0, y0, x1, y1, str(w[4]), size=y1 - y0))
    return words


def _moved(line: Line, place: _Placement) -> Line:
    spans = [replace(s, bbox=place.box(*s.bbox)) for s in line.spans]
    spans = [replace(s, size=s.size * place.sy) for s in spans]
    words = []
    for w in line.words:
        x0, y0, x1, y1 = place.box(w.x0, w.y0, w.x1, w.y1)
        words.append(Word(x0, y0, x1, y1, w.text, w.bold, w.italic, w.size * place.sy))
    spans = ocr_bullet_spans(spans)
    x0, y0, x1, y1 = place.box(line.x0, line.y0, line.x1, line.y1)
    return Line(x0, y0, x1, y1, spans, words, page=line.page, ocr=True)


def ocr_page_lines(
    render: Render, number: int, language: str, blank: list[BBox] | None = None
) -> list[Line]:
    """Lines of the whole straightened page, read from a cleaned black-and-white image.

    Regions in `blank` (tables already read cell by cell) are painted white first, so that
    Tesseract does not spend its time on them a second time.
    """
    gray = render.gray.copy()
    k = render.scale
    for x0, y0, x1, y1 in blank or []:
        rows = slice(max(int(y0 / k) - render.oy - 2, 0), max(int(y1 / k) - render.oy + 3, 0))
        cols = slice(max(int(x0 / k) - render.ox - 2, 0), max(int(x1 / k) - render.ox + 3, 0))
        gray[rows, cols] = 255
    gray = _clean_image(gray, render.dpi)
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
            line.spans[0] = replace(first, text="• " + first.text.lstrip())
    return lines


def ocr_page(
    page: pymupdf.Page, number: int, limits: ExtractLimits, tables: bool
) -> tuple[list[Line], list[TableDraft]]:
    """Lines of the OCRed page outside tables, and its ruled tables read region by region.

    Everything is in the straightened frame of the page: text lines are level there, which
    the paragraph and table analysis rely on, and for the small angles of a scan it differs
    from the page by a few points at most.
    """
    angle = estimate_skew(render_page(page, 100, 0.0).gray)
    render = render_page(page, limits.ocr_dpi, angle)
    drafts = _ruled_tables(page, render, angle, number, limits) if tables else []
    lines = ocr_page_lines(render, number, limits.ocr_language, [d.bbox for d in drafts])
    lines = [
        ln
        for ln in lines
        if not any(inside((ln.x0 + ln.x1) / 2, (ln.y0 + ln.y1) / 2, d.bbox) for d in drafts)
    ]
    return lines, drafts


def _ruled_tables(
    page: pymupdf.Page, render: Render, angle: float, number: int, limits: ExtractLimits
) -> list[TableDraft]:
    segments = image_segments(render_page(page, _RULE_DPI, angle))
    grids = [ruled_cells(g) for g in find_grids(*segments) if framed(g)]
    if not grids:
        return []
    fine = render_page(page, limits.ocr_cell_dpi, angle)
    drafts: list[TableDraft] = []
    for grid in grids:
        words = [w for w in ocr_region_words(fine, grid, limits.ocr_language) if clean_word(w)]
        words = drop_strays(grid, reread_amounts(render, grid, words, limits.ocr_language))
        draft = fill_grid(grid, words, number, ocr=True)
        if draft is not None:
            repair_numeric_columns(draft.rows)
            drafts.append(draft)
    return drafts
