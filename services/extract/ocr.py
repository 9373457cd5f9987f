"""OCR of pages without a usable text layer.

Only pages that show an image and carry (almost) no extractable text are OCRed, so blank pages
and born-digital pages never reach Tesseract.

Each page is read by Tesseract once. Before that it is straightened, its table grids are found
in the image (scan_image.py) and their rules painted out, since rules that touch the glyphs of
small figures make Tesseract drop or garble them; then it is cleaned to black and white
(binarize.py). Table cells take their words from that one reading; only the amount cells whose
reading fails a check are read again, with digits only (scan_cells.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pymupdf

from shared.numbers import is_amount

from .binarize import grey_ink
from .bullets import bullet_before
from .digits import read_cells, read_titles
from .grid import Grid, find_grids
from .hocr import OcrLine, OcrWord, parse_hocr
from .layout import Line, Span, Word, inside, union
from .limits import ExtractLimits
from .scan_cells import (
    Cell,
    cell_image,
    cells_to_reread,
    clean_word,
    drop_strays,
    repair_numeric_columns,
    title_cells,
    with_readings,
)
from .scan_image import (
    Render,
    erase_rules,
    estimate_skew,
    framed,
    image_segments,
    render_page,
    ruled_cells,
)
from .tables import TableDraft, fill_grid
from .tesseract import recognise
from .text import ocr_bullet_spans, ocr_lines, split_marker
from .tuning import BulletTuning, ExtractTuning, OcrTuning, ScanRuleTuning, TextTuning

CellReader = Callable[[list[npt.NDArray[np.uint8]], int, str, ExtractTuning], list[str]]
# Bullets are looked for in the cleaned page, where every pixel is paper (white) or ink in
# its shades of grey: the middle of the 8-bit grey scale tells the two apart.
_INK_BELOW = 128


def needs_ocr(page: pymupdf.Page, lines: list[Line], tuning: OcrTuning) -> bool:
    """A page that shows a picture but has too little real text is a scan."""
    text = "".join(ln.text for ln in lines)
    usable = sum(1 for ch in text if ch.isalnum())
    garbage = text.count("\ufffd")
    if usable >= tuning.min_chars and garbage < tuning.max_garbage_share * max(len(text), 1):
        return False
    area = abs(page.rect)
    covered = 0.0
    for info in page.get_image_info():
        bbox = pymupdf.Rect(info["bbox"]) & page.rect
        covered += abs(bbox)
        if covered >= tuning.min_image_share * area:
            return True
    return False


def _pieces(line: OcrLine, tuning: TextTuning) -> list[list[OcrWord]]:
    """The words of a Tesseract line cut where a gap is wider than a word space: Tesseract
    reads a running header's left and right parts, or a table row, as one line."""
    limit = tuning.ocr_word_gap_em * line.size
    pieces: list[list[OcrWord]] = []
    end = 0
    for word in line.words:
        start, _, right, _ = word.box
        if pieces and start - end <= limit:
            pieces[-1].append(word)
        else:
            pieces.append([word])
        end = right
    return pieces


def to_lines(ocr: list[OcrLine], render: Render, number: int, tuning: TextTuning) -> list[Line]:
    """Page lines from Tesseract's lines, in the straightened page frame.

    Every word keeps the height of its line, as a text layer's words do: the rows of a table
    are told apart by where its words stand, and a word's own box shows only which letters it
    has. The type size is Tesseract's estimate for the whole row.
    """
    k = render.scale
    lines: list[Line] = []
    for ocr_line in ocr:
        size = ocr_line.size * k
        y0 = (ocr_line.box[1] + render.oy) * k
        y1 = (ocr_line.box[3] + render.oy) * k
        for piece in _pieces(ocr_line, tuning):
            words = [
                Word(
                    (w.box[0] + render.ox) * k,
                    y0,
                    (w.box[2] + render.ox) * k,
                    y1,
                    w.text,
                    size=size,
                )
                for w in piece
            ]
            spans = [
                Span((" " if i else "") + w.text, size=size, bbox=(w.x0, y0, w.x1, y1))
                for i, w in enumerate(words)
            ]
            lines.append(
                Line(
                    words[0].x0, y0, words[-1].x1, y1, ocr_bullet_spans(spans), words, number, True
                )
            )
    return ocr_lines(lines, tuning)


def _mark_bullets(
    lines: list[Line], gray: npt.NDArray[np.uint8], render: Render, tuning: BulletTuning
) -> None:
    """A round bullet OCR passed over is put back in front of its line."""
    ink = gray < _INK_BELOW
    k = render.scale
    for line in lines:
        c0 = int(line.x0 / k) - render.ox
        r0 = int(line.y0 / k) - render.oy
        r1 = int(line.y1 / k) - render.oy
        if not split_marker(line.text)[0] and bullet_before(ink, c0, r0, r1, tuning):
            first = line.spans[0]
            line.spans[0] = replace(first, text="• " + first.text.lstrip())


def table_grids(page: pymupdf.Page, angle: float, tuning: ExtractTuning) -> list[Grid]:
    """Ruled tables of the straightened page: grids framed by rules on all sides."""
    rules = tuning.scan_rules
    segments = image_segments(render_page(page, tuning.ocr.rule_dpi, angle), rules)
    return [ruled_cells(g, rules) for g in find_grids(*segments, tuning.grids) if framed(g, rules)]


def without_grid_rules(
    render: Render, grids: list[Grid], tuning: ScanRuleTuning
) -> npt.NDArray[np.uint8]:
    """The page image with the rules of its tables painted white: where a cell border touches a
    figure, Tesseract drops the figure or reads the rule as a "1" or "|".

    Only the rules found are painted, not whole grid lines: those would cut through spanning
    cells.
    """
    image = render.gray.copy()
    k = render.scale
    band = max(int(tuning.paint_band_pt / k), 1)
    tol = tuning.paint_tol_pt

    def paint(rows: slice, cols: slice) -> None:
        image[rows, cols] = 255

    def span(a: float, b: float, offset: int) -> slice:
        return slice(max(int(a / k) - offset, 0), max(int(b / k) - offset + 1, 0))

    for grid in grids:
        for x in grid.xs:
            cols = span(x, x, render.ox)
            cols = slice(max(cols.start - band, 0), cols.stop + band)
            for _, y0, y1 in (s for s in grid.vsegs if abs(s[0] - x) <= tol):
                paint(span(y0, y1, render.oy), cols)
        for y in grid.ys:
            rows = span(y, y, render.oy)
            rows = slice(max(rows.start - band, 0), rows.stop + band)
            for _, x0, x1 in (s for s in grid.hsegs if abs(s[0] - y) <= tol):
                paint(rows, span(x0, x1, render.ox))
    return image


def _reread(
    render: Render,
    grids: list[Grid],
    cells: list[list[Cell]],
    read: CellReader,
    language: str,
    tuning: ExtractTuning,
) -> list[dict[Cell, str]]:
    """Per grid, the second reading of the given cells, those of all grids in one call."""
    jobs = [
        (index, cell, image)
        for index, (grid, grid_cells) in enumerate(zip(grids, cells, strict=True))
        for cell in grid_cells
        if (image := cell_image(render, grid, cell, tuning)) is not None
    ][: tuning.ocr.max_cell_reads]
    readings: list[dict[Cell, str]] = [{} for _ in grids]
    texts = read([image for _, _, image in jobs], render.dpi, language, tuning)
    for (index, cell, _), text in zip(jobs, texts, strict=True):
        readings[index][cell] = text
    return readings


def _title_render(page: pymupdf.Page, angle: float, grids: list[Grid], tuning: OcrTuning) -> Render:
    """The band of the column titles of every table, rendered fine."""
    boxes = [(g.bbox[0], g.ys[0], g.bbox[2], g.ys[1]) for g in grids]
    x0, y0, x1, y1 = union(boxes)
    margin = tuning.title_margin_pt
    return render_page(
        page, tuning.title_dpi, angle, (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    )


def _tables(
    page: pymupdf.Page,
    angle: float,
    render: Render,
    grids: list[Grid],
    words: list[Word],
    number: int,
    language: str,
    tuning: ExtractTuning,
) -> list[TableDraft]:
    """The page's ruled tables from the words of its OCR pass.

    The amount cells that fail a check are read again with digits only. The column titles are
    read again at a finer resolution: they decide how every cell below them is taken, and, set
    in bold on shaded cells, they are what the page pass misreads most ("Fresiatie").
    """
    cells = tuning.scan_cells
    inner = [
        [w for w in words if inside(w.xc, w.yc, g.bbox) and clean_word(w, cells)] for g in grids
    ]
    amounts = _reread(
        render,
        grids,
        [cells_to_reread(g, ws, cells) for g, ws in zip(grids, inner, strict=True)],
        read_cells,
        language,
        tuning,
    )
    titles = [title_cells(g, ws, cells) for g, ws in zip(grids, inner, strict=True)]
    fine = _title_render(page, angle, grids, tuning.ocr) if any(titles) else render
    headers = _reread(fine, grids, titles, read_titles, language, tuning)
    drafts: list[TableDraft] = []
    for grid, grid_words, reread, header in zip(grids, inner, amounts, headers, strict=True):
        readings = {c: t for c, t in reread.items() if is_amount(t)}
        readings |= {c: t for c, t in header.items() if any(ch.isalnum() for ch in t)}
        read = drop_strays(grid, with_readings(grid, grid_words, readings, cells), tuning)
        draft = fill_grid(grid, read, number, True, tuning.cells)
        if draft is not None:
            repair_numeric_columns(draft.rows, cells)
            drafts.append(draft)
    return drafts


def ocr_page(
    page: pymupdf.Page, number: int, limits: ExtractLimits, tables: bool
) -> tuple[list[Line], list[TableDraft]]:
    """Lines of the OCRed page outside tables, and its ruled tables.

    Everything is in the straightened frame of the page: text lines are level there, which
    the paragraph and table analysis rely on, and for the small angles of a scan it differs
    from the page by a few points at most.
    """
    tuning = limits.tuning
    rules = tuning.scan_rules
    angle = estimate_skew(render_page(page, tuning.ocr.skew_dpi, 0.0).gray, rules)
    render = render_page(page, limits.ocr_dpi, angle)
    grids = table_grids(page, angle, tuning) if tables else []
    painted = erase_rules(without_grid_rules(render, grids, rules), render.scale, rules)
    gray = grey_ink(painted, render.dpi, tuning.ocr)
    hocr = recognise(gray, render.dpi, limits.ocr_language, "hocr")
    lines = to_lines(parse_hocr(hocr), render, number, tuning.text)
    _mark_bullets(lines, gray, render, tuning.bullets)
    words = [w for ln in lines for w in ln.words]
    drafts = _tables(page, angle, render, grids, words, number, limits.ocr_language, tuning)
    lines = [
        ln
        for ln in lines
        if not any(inside((ln.x0 + ln.x1) / 2, (ln.y0 + ln.y1) / 2, d.bbox) for d in drafts)
    ]
    return lines, drafts
