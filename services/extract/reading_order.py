"""Reading order of the boxes on one page by recursive XY-cut.

A page is cut first at horizontal white bands wider than the usual line gap (so a full-width
heading between two-column passages stays in place), then each band at vertical white gutters
(columns, read left to right). Where neither cut exists, a band of lines at the top or bottom
that reaches into a gutter is cut off first (a heading a little wider than its column, set
closer to the columns than a paragraph gap). Every leaf region gets a number: a change of
region in the resulting sequence is a column or page break, where a paragraph may continue.
"""

from __future__ import annotations

from shared.documents import BBox

# Any white space between two line bands, however thin, where a band may be cut off.
_THIN_GAP = 0.1
# Cuts nest no deeper than this: far more than any page has, well within Python's recursion.
_MAX_DEPTH = 60


def _gaps(intervals: list[tuple[float, float, int]], min_gap: float) -> list[list[int]]:
    """Split intervals into groups separated by free gaps of at least `min_gap`."""
    groups: list[list[int]] = []
    end = float("-inf")
    for start, stop, idx in sorted(intervals):
        if not groups or start - end >= min_gap:
            groups.append([idx])
        else:
            groups[-1].append(idx)
        end = max(end, stop)
    return groups


def _across(idx: list[int], boxes: list[BBox]) -> list[tuple[float, float, int]]:
    """The boxes' horizontal extents, each with its index."""
    return [(x0, x1, i) for i in idx for x0, _, x1, _ in [boxes[i]]]


def _down(idx: list[int], boxes: list[BBox]) -> list[tuple[float, float, int]]:
    """The boxes' vertical extents, each with its index."""
    return [(y0, y1, i) for i in idx for _, y0, _, y1 in [boxes[i]]]


def _has_columns(idx: list[int], boxes: list[BBox], gutter: float) -> bool:
    return len(_gaps(_across(idx, boxes), gutter)) > 1


def _peel_edge(idx: list[int], boxes: list[BBox], gutter: float) -> list[list[int]] | None:
    """The top or bottom line band of a region, and the rest, when only the rest has columns.

    A heading wider than the column under it, set a little closer to the columns than a
    paragraph gap, reaches into the gutter and hides it: cutting at the white space just
    below it (or above a closing line alike) lets the rest be read column by column."""
    bands = _gaps(_down(idx, boxes), _THIN_GAP)
    if len(bands) == 1:
        return None
    below_top = [i for band in bands[1:] for i in band]
    if _has_columns(below_top, boxes, gutter):
        return [bands[0], below_top]
    above_bottom = [i for band in bands[:-1] for i in band]
    if _has_columns(above_bottom, boxes, gutter):
        return [above_bottom, bands[-1]]
    return None


def xy_cut(boxes: list[BBox], line_gap: float, gutter: float) -> tuple[list[int], list[int]]:
    """Order of `boxes` and, for each position in that order, the number of its leaf region."""
    order: list[int] = []
    leaves: list[int] = []
    leaf = 0

    def visit(idx: list[int], depth: int) -> None:
        nonlocal leaf
        if len(idx) > 1 and depth < _MAX_DEPTH:
            bands = _gaps(_down(idx, boxes), line_gap)
            if len(bands) > 1:
                for band in bands:
                    visit(band, depth + 1)
                return
            cols = _gaps(_across(idx, boxes), gutter)
            if len(cols) > 1:
                for col in cols:
                    visit(col, depth + 1)
                return
            parts = _peel_edge(idx, boxes, gutter)
            if parts is not None:
                for part in parts:
                    visit(part, depth + 1)
                return
        for i in sorted(idx, key=lambda i: (round(boxes[i][1], 1), boxes[i][0])):
            order.append(i)
            leaves.append(leaf)
        leaf += 1

    visit(list(range(len(boxes))), 0)
    return order, leaves
