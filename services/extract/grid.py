"""Ruled table grids from ruling lines.

Ruling lines come from vector drawings on born-digital pages and from the rendered image on
scanned pages; both arrive here as horizontal and vertical segments, and a connected set of
segments with at least two rows and two columns of cells is a table grid. Cell borders that
are missing in a row make a spanning cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pymupdf

from shared.documents import BBox

from .tuning import DEFAULT, GridTuning

# (position, start, end): y, x0, x1 for horizontal and x, y0, y1 for vertical segments.
Segment = tuple[float, float, float]

# Two rules bound one band of cells: a grid has at least two each way.
_MIN_RULES = 2
# Comparing every horizontal with every vertical rule costs their product: past this many pairs
# the drawing is a picture made of strokes, not a table.
_MAX_RULE_PAIRS = 4_000_000


@dataclass(slots=True)
class Grid:
    bbox: BBox
    xs: list[float]
    ys: list[float]
    vsegs: list[Segment]
    hsegs: list[Segment]
    tuning: GridTuning

    def has_vertical(self, x: float, y0: float, y1: float) -> bool:
        """Is there a border at `x` over most of the band y0..y1?"""
        need = self.tuning.min_vertical_cover * (y1 - y0)
        tol = self.tuning.tolerance_pt
        covered = sum(
            max(0.0, min(end, y1) - max(start, y0))
            for at, start, end in self.vsegs
            if abs(at - x) <= tol
        )
        return covered >= need

    def cells(self) -> list[list[tuple[int, int, BBox]]]:
        """Per row band: (first column, column span, rectangle) of each cell."""
        rows: list[list[tuple[int, int, BBox]]] = []
        for r in range(len(self.ys) - 1):
            y0, y1 = self.ys[r], self.ys[r + 1]
            row: list[tuple[int, int, BBox]] = []
            start = 0
            for c in range(1, len(self.xs)):
                if c == len(self.xs) - 1 or self.has_vertical(self.xs[c], y0, y1):
                    row.append((start, c - start, (self.xs[start], y0, self.xs[c], y1)))
                    start = c
            rows.append(row)
        return rows


def drawing_segments(
    drawings: list[dict[str, Any]], prect: pymupdf.Rect, tuning: GridTuning = DEFAULT.grids
) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical segments among a page's drawings (`page.get_drawings()`): lines,
    hairline and cell rectangles."""
    hsegs: list[Segment] = []
    vsegs: list[Segment] = []
    share = tuning.background_share
    for path in drawings:
        rect = path.get("rect")
        if (
            rect is not None
            and rect.width > share * prect.width
            and rect.height > share * prect.height
        ):
            continue  # page background
        for item in path.get("items", []):
            kind = item[0]
            if kind == "l":
                p, q = item[1], item[2]
                _add_line((hsegs, vsegs), (p.x, p.y, q.x, q.y), tuning)
            elif kind in ("re", "qu"):
                r = item[1].rect if kind == "qu" else item[1]
                _add_rect(
                    (hsegs, vsegs), (float(r.x0), float(r.y0), float(r.x1), float(r.y1)), tuning
                )
    return hsegs, vsegs


def _add_line(segments: tuple[list[Segment], list[Segment]], box: BBox, tuning: GridTuning) -> None:
    """A stroke from (x0, y0) to (x1, y1) that is (nearly) level or upright as a segment."""
    h, v = segments
    x0, y0, x1, y1 = box
    tol = tuning.tolerance_pt
    if abs(y1 - y0) <= 1.0 and abs(x1 - x0) > tol:
        h.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) <= 1.0 and abs(y1 - y0) > tol:
        v.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def _add_rect(segments: tuple[list[Segment], list[Segment]], box: BBox, tuning: GridTuning) -> None:
    """A thin filled rectangle as a rule, a cell rectangle as its four sides."""
    h, v = segments
    x0, y0, x1, y1 = box
    w, ht = x1 - x0, y1 - y0
    tol, thin = tuning.tolerance_pt, tuning.max_rule_thickness_pt
    if ht <= thin and w > tol:
        h.append(((y0 + y1) / 2, x0, x1))
    elif w <= thin and ht > tol:
        v.append(((x0 + x1) / 2, y0, y1))
    elif w > tol and ht > tol:
        h.extend(((y0, x0, x1), (y1, x0, x1)))
        v.extend(((x0, y0, y1), (x1, y0, y1)))


def _merge(segs: list[Segment], tol: float) -> list[Segment]:
    """Collinear segments that touch or overlap become one.

    Segments are first grouped by position (a scanned rule wanders by a pixel or two), then
    merged along their length, so the order of pieces at slightly different positions does
    not matter.
    """
    out: list[Segment] = []
    group: list[Segment] = []
    for seg in sorted(segs):
        if group and seg[0] - group[-1][0] > tol:
            out.extend(_merge_runs(group, tol))
            group = []
        group.append(seg)
    if group:
        out.extend(_merge_runs(group, tol))
    return out


def _merge_runs(group: list[Segment], tol: float) -> list[Segment]:
    """The group's pieces joined along their length; each joined rule lies at the median of its
    own pieces. A group can chain far: a dark picture on a scan gives a vertical run in every
    pixel column, and one position for the whole group moved a table's rules below it by
    several points, cutting the last figure off every right-aligned cell."""
    runs: list[list[Segment]] = []
    ends: list[float] = []
    for seg in sorted(group, key=lambda s: s[1]):
        if runs and seg[1] <= ends[-1] + tol:
            runs[-1].append(seg)
            ends[-1] = max(ends[-1], seg[2])
        else:
            runs.append([seg])
            ends.append(seg[2])
    return [
        (sorted(s[0] for s in run)[len(run) // 2], run[0][1], end)
        for run, end in zip(runs, ends, strict=True)
    ]


def _cluster(values: list[float], tol: float) -> list[float]:
    """Positions closer than `tol` to their neighbour are one line (a double or slightly
    skewed rule); each line is represented by its median position."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [g[len(g) // 2] for g in groups]


def find_grids(hsegs: list[Segment], vsegs: list[Segment], tuning: GridTuning) -> list[Grid]:
    """Connected sets of ruling lines that form at least two rows and two columns."""
    tol = tuning.tolerance_pt
    hs = _merge(hsegs, tol)
    vs = _merge(vsegs, tol)
    if len(hs) < _MIN_RULES or len(vs) < _MIN_RULES or len(hs) * len(vs) > _MAX_RULE_PAIRS:
        return []
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (hy, hx0, hx1) in enumerate(hs):
        for j, (vx, vy0, vy1) in enumerate(vs):
            if hx0 - tol <= vx <= hx1 + tol and vy0 - tol <= hy <= vy1 + tol:
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, seg in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(seg)
    for j, seg in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(seg)
    grids: list[Grid] = []
    for gh, gv in groups.values():
        ys = _cluster([s[0] for s in gh], tuning.min_band_pt)
        xs = _cluster([s[0] for s in gv], tuning.min_band_pt)
        if len(ys) < _MIN_RULES or len(xs) < _MIN_RULES:
            continue
        if xs[-1] - xs[0] < tuning.min_width_pt or ys[-1] - ys[0] < tuning.min_height_pt:
            continue
        grids.append(Grid((xs[0], ys[0], xs[-1], ys[-1]), xs, ys, gv, gh, tuning))
    return grids
