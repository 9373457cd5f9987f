"""Reading order of the boxes on one page by recursive XY-cut.

A page is cut first at horizontal white bands wider than the usual line gap (so a full-width
heading between two-column passages stays in place), then each band at vertical white gutters
(columns, read left to right). Every leaf region gets a number: a change of region in the
resulting sequence is a column or page break, where a paragraph may continue.
"""

from __future__ import annotations

from shared.documents import BBox


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


def xy_cut(boxes: list[BBox], line_gap: float, gutter: float = 8.0) -> tuple[list[int], list[int]]:
    """Order of `boxes` and, for each position in that order, the number of its leaf region."""
    order: list[int] = []
    leaves: list[int] = []
    leaf = 0

    def visit(idx: list[int], depth: int) -> None:
        nonlocal leaf
        if len(idx) > 1 and depth < 60:
            bands = _gaps([(boxes[i][1], boxes[i][3], i) for i in idx], line_gap)
            if len(bands) > 1:
                for band in bands:
                    visit(band, depth + 1)
                return
            cols = _gaps([(boxes[i][0], boxes[i][2], i) for i in idx], gutter)
            if len(cols) > 1:
                for col in cols:
                    visit(col, depth + 1)
                return
        for i in sorted(idx, key=lambda i: (round(boxes[i][1], 1), boxes[i][0])):
            order.append(i)
            leaves.append(leaf)
        leaf += 1

    visit(list(range(len(boxes))), 0)
    return order, leaves
