"""`pcflow debug`: one page drawn with what extraction saw on it.

When a paragraph is split wrongly, a table misses a column or a running header ends up in the
text, the reason is usually visible on the page: a line read into the wrong item, a grid cut
short, an item read out of order. The drawing puts the extract core's own analysis of the page
(`analyse_one_page`) over the page as printed, so what is seen is what the pipeline used.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import pymupdf

from services.extract.core import PageAnalysis, analyse_one_page, open_document
from services.extract.grid import drawing_segments
from services.extract.layout import Line
from services.extract.limits import ExtractLimits
from services.extract.tables import TableDraft
from shared.documents import BBox

MarkKind = Literal["line", "block", "table", "cell", "ruling", "frame", "furniture"]

# Drawn in this order, so the small marks stay on top of the large ones.
COLOURS: dict[MarkKind, tuple[float, float, float]] = {
    "ruling": (0.0, 0.7, 0.7),
    "frame": (1.0, 0.55, 0.0),
    "block": (0.0, 0.35, 0.9),
    "table": (0.85, 0.0, 0.0),
    "cell": (1.0, 0.55, 0.55),
    "line": (0.55, 0.55, 0.55),
    "furniture": (0.8, 0.0, 0.8),
}
LEGEND: dict[MarkKind, str] = {
    "line": "text line",
    "block": "text block",
    "table": "table",
    "cell": "table cell",
    "ruling": "ruling",
    "frame": "frame (cards)",
    "furniture": "furniture (dropped)",
}
ORDER_COLOUR = (0.0, 0.5, 0.0)
DPI = 110
_LEGEND_PT = 16.0
_LABEL_PT = 6.0


class PageOutOfRange(ValueError):
    """The page asked for is not in the document."""


@dataclass(frozen=True, slots=True)
class Mark:
    """One drawn mark; `order` is the item's place in the page's reading order (1-based)."""

    kind: MarkKind
    bbox: BBox
    order: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class PageDrawing:
    png: bytes
    marks: list[Mark]


def rulings(page: pymupdf.Page) -> list[BBox]:
    """The horizontal and vertical rules among the page's drawings, where ruled tables are
    found (a scanned page's rules are found in its image instead)."""
    horizontal, vertical = drawing_segments(page.get_drawings(), page.rect)
    return [(x0, y, x1, y) for y, x0, x1 in horizontal] + [(x, y0, x, y1) for x, y0, y1 in vertical]


def overlay(analysis: PageAnalysis, rules: list[BBox]) -> list[Mark]:
    """The marks that show the page's analysis, with the page's rules."""
    marks = [Mark("ruling", rule) for rule in rules]
    marks += [Mark("frame", frame) for frame in analysis.frames]
    marks += [Mark("block", block.bbox, text=block.text) for block in analysis.blocks]
    drafts = {_rounded(item.bbox) for item in analysis.order if isinstance(item, TableDraft)}
    # cards read back as tables only exist once the document's items were joined
    marks += [Mark("table", t.bbox) for t in analysis.tables if _rounded(t.bbox) not in drafts]
    for number, item in enumerate(analysis.order, start=1):
        if isinstance(item, Line):
            marks.append(Mark("line", item.bbox, number, item.text))
            continue
        marks.append(Mark("table", item.bbox, number))
        marks += [Mark("cell", cell) for cell in _cells(item)]
    marks += [Mark("furniture", line.bbox, text=line.text) for line in analysis.furniture]
    return marks


def _rounded(box: BBox) -> BBox:
    x0, y0, x1, y1 = (round(v, 2) for v in box)
    return (x0, y0, x1, y1)


def _cells(table: TableDraft) -> list[BBox]:
    """The cell grid of a table part: its column edges across the bands of its rows."""
    columns = list(pairwise(table.col_edges))
    return [(left, y0, right, y1) for y0, y1 in table.row_bands for left, right in columns]


def draw(doc: pymupdf.Document, number: int, marks: list[Mark]) -> bytes:
    """The page with the marks over it and a legend below, as PNG.

    The page is placed on a new page of its visible size, so the marks, which are in the
    coordinates text extraction gives, land right on a rotated page too.
    """
    source = doc.load_page(number - 1)
    width, height = source.rect.width, source.rect.height
    sheet = pymupdf.open()
    try:
        page = sheet.new_page(width=width, height=height + _LEGEND_PT)
        page.show_pdf_page(pymupdf.Rect(0, 0, width, height), doc, number - 1)
        shape = page.new_shape()
        for kind, colour in COLOURS.items():
            for mark in marks:
                if mark.kind == kind:
                    _draw_mark(shape, mark, colour)
        for mark in marks:
            if mark.order is not None:
                _draw_order(shape, mark)
        _draw_legend(shape, height, width)
        shape.commit()
        png: bytes = page.get_pixmap(dpi=DPI).tobytes("png")
        return png
    finally:
        sheet.close()


def _draw_mark(shape: pymupdf.Shape, mark: Mark, colour: tuple[float, float, float]) -> None:
    rect = pymupdf.Rect(mark.bbox)
    if mark.kind == "ruling":
        shape.draw_line(rect.tl, rect.br)
        shape.finish(color=colour, width=1.5, stroke_opacity=0.6)
        return
    shape.draw_rect(rect)
    dashes = "[3 2] 0" if mark.kind == "frame" else None
    width = 1.2 if mark.kind in ("table", "block") else 0.5
    shape.finish(color=colour, width=width, dashes=dashes)
    if mark.kind == "furniture":
        shape.draw_line(rect.tl, rect.br)
        shape.draw_line(rect.bl, rect.tr)
        shape.finish(color=colour, width=0.5)


def _draw_order(shape: pymupdf.Shape, mark: Mark) -> None:
    """The item's number just left of its top-left corner, on white so it stays readable."""
    label = str(mark.order)
    right, top = mark.bbox[0], mark.bbox[1]
    box = pymupdf.Rect(right - 0.6 * _LABEL_PT * len(label) - 2, top, right, top + _LABEL_PT + 1)
    shape.draw_rect(box)
    shape.finish(color=ORDER_COLOUR, fill=(1, 1, 1), width=0.3)
    shape.insert_text((box.x0 + 1, box.y1 - 1), label, fontsize=_LABEL_PT, color=ORDER_COLOUR)


def _draw_legend(shape: pymupdf.Shape, top: float, width: float) -> None:
    shape.draw_rect(pymupdf.Rect(0, top, width, top + _LEGEND_PT))
    shape.finish(color=None, fill=(1, 1, 1))
    x, y = 6.0, top + 5.0
    entries = [(LEGEND[kind], COLOURS[kind]) for kind in LEGEND]
    for text, colour in [*entries, ("reading order", ORDER_COLOUR)]:
        shape.draw_rect(pymupdf.Rect(x, y, x + 6, y + 6))
        shape.finish(color=colour, fill=colour)
        shape.insert_text((x + 8, y + 5.5), text, fontsize=_LABEL_PT, color=(0, 0, 0))
        x += 12 + pymupdf.get_text_length(text, fontsize=_LABEL_PT)


def debug_page(data: bytes, number: int, limits: ExtractLimits | None = None) -> PageDrawing:
    """Page `number` (1-based) of the PDF drawn with its analysis, and the marks drawn.

    Raises `PageOutOfRange` for a page the document does not have, and the extraction's own
    errors for a file it refuses.
    """
    limits = limits or ExtractLimits()
    doc = open_document(data, limits)
    try:
        if not 1 <= number <= doc.page_count:
            raise PageOutOfRange(
                f"page {number} is not in the document: it has pages 1 to {doc.page_count}"
            )
        analysis = analyse_one_page(doc, number, limits)
        rules = [] if analysis.info.ocr else rulings(doc.load_page(number - 1))
        marks = overlay(analysis, rules)
        return PageDrawing(draw(doc, number, marks), marks)
    finally:
        doc.close()
