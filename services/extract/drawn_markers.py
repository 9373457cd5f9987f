"""List markers drawn as shapes instead of typed as characters.

Browsers print CSS list markers (disc, square) as small filled paths, so the text layer holds
only the items' text and a whole list reads like one paragraph. A marker is plain to see in
the drawings: one compact filled shape about an x-height across, vertically centred on the
first row of an item and a little left of where its text starts. Such a line is given a
bullet, as if the marker had been typed, and the paragraph stage splits the list there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.documents import BBox

from .layout import Line, Span, Word
from .text import split_marker
from .tuning import MarkerTuning

BULLET = "•"


@dataclass(frozen=True, slots=True)
class Shape:
    """A small filled drawing that may be a list marker."""

    bbox: BBox

    @property
    def width(self) -> float:
        return self.bbox[2] - self.bbox[0]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]

    @property
    def yc(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


def marker_shapes(drawings: list[dict[str, Any]], tuning: MarkerTuning) -> list[Shape]:
    """The filled, compact, small shapes among a page's drawings (`page.get_drawings()`)."""
    shapes: list[Shape] = []
    for path in drawings:
        if path.get("fill") is None:
            continue
        rect = path.get("rect")
        if rect is None:
            continue
        width, height = float(rect.width), float(rect.height)
        if not 0 < width <= tuning.max_pt or not 0 < height <= tuning.max_pt:
            continue
        if max(width, height) > tuning.max_aspect * min(width, height):
            continue
        shapes.append(Shape((float(rect.x0), float(rect.y0), float(rect.x1), float(rect.y1))))
    return shapes


def _fits(shape: Shape, line: Line, tuning: MarkerTuning) -> bool:
    """Whether `shape` is the marker of `line`, judged by size and place against its type."""
    em = max(line.size, 1.0)
    if not tuning.min_em * em <= max(shape.width, shape.height) <= tuning.max_em * em:
        return False
    x0, _, x1, _ = shape.bbox
    if x1 > line.x0 - tuning.clear_em * em or x0 < line.x0 - tuning.reach_em * em:
        return False
    first_row = min(line.height, tuning.first_row_em * em)
    top, bottom = tuning.centre_top * first_row, tuning.centre_bottom * first_row
    return line.y0 + top <= shape.yc <= line.y0 + bottom


def add_drawn_markers(lines: list[Line], shapes: list[Shape], tuning: MarkerTuning) -> None:
    """Give each line that has a drawn marker before it a bullet of its own.

    A shape marks at most one line, the nearest one to its right; a line that already starts
    with a typed marker is left alone.
    """
    if not shapes:
        return
    taken: set[int] = set()
    for line in sorted(lines, key=lambda ln: ln.x0):
        if split_marker(line.text)[0]:
            continue
        candidates = [
            (line.x0 - s.bbox[2], i)
            for i, s in enumerate(shapes)
            if i not in taken and _fits(s, line, tuning)
        ]
        if not candidates:
            continue
        _, index = min(candidates)
        taken.add(index)
        _prepend_bullet(line, shapes[index])


def _prepend_bullet(line: Line, shape: Shape) -> None:
    first = line.spans[0]
    bullet = Span(BULLET + " ", first.font, first.size, first.bold, first.italic, shape.bbox)
    line.spans.insert(0, bullet)
    x0, y0, x1, y1 = shape.bbox
    line.words.insert(0, Word(x0, y0, x1, y1, BULLET, first.bold, first.italic, first.size))
    line.x0 = min(line.x0, x0)
