"""Scanned page images: rendering straightened, and ruling lines and table grids in them.

A scan is usually a little skewed; everything is measured in the straightened frame, where
text lines and rules are level. For the small angles of a scan that frame differs from the
page by a few points at most.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pymupdf

from shared.documents import BBox

from .grid import Grid, Segment
from .tuning import ScanRuleTuning

# A table grid needs three rules each way (two rows and two columns); fewer is a rule under
# a heading or a box around text.
_MIN_GRID_RULES = 3

Gray = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


@dataclass(slots=True)
class Render:
    """A page image rendered straightened: pixel (c, r) is point
    ((c + ox) * 72 / dpi, (r + oy) * 72 / dpi) of the deskewed page frame."""

    gray: npt.NDArray[np.uint8]
    dpi: int
    ox: int
    oy: int

    @property
    def scale(self) -> float:
        return 72.0 / self.dpi


def render_page(page: pymupdf.Page, dpi: int, angle: float, clip: BBox | None = None) -> Render:
    """The page straightened by `angle`, or only the part of it inside `clip` (page points)."""
    matrix = pymupdf.Matrix(dpi / 72, dpi / 72).prerotate(angle)
    area = pymupdf.Rect(clip) if clip else None
    pix = page.get_pixmap(matrix=matrix, colorspace=pymupdf.csGRAY, alpha=False, clip=area)
    arr = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    return Render(arr[:, : pix.width], dpi, pix.x, pix.y)


def estimate_skew(gray: npt.NDArray[np.uint8], tuning: ScanRuleTuning) -> float:
    """Rotation in degrees that makes text lines and rules horizontal (projection profiles:
    the angle at which dark pixels pile up in the fewest rows)."""
    mask = (gray < tuning.dark_level).astype(np.float32)
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
    height, width = mask.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    diff = np.diff(padded, axis=1).ravel()
    # runs start and end in the same order, row by row: they pair up one to one
    starts = np.flatnonzero(diff == 1)
    ends = np.flatnonzero(diff == -1)
    keep = ends - starts >= min_len
    rows, cols = np.divmod(starts[keep], width + 1)
    lengths = (ends - starts)[keep]
    return [(int(r), int(a), int(a + n)) for r, a, n in zip(rows, cols, lengths, strict=True)]


def image_segments(render: Render, tuning: ScanRuleTuning) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical rules seen in the straightened image, in its frame."""
    mask = render.gray < tuning.dark_level
    # bridge one-pixel breaks of a faint rule
    mask_h = mask.copy()
    mask_h[:, 1:] |= mask[:, :-1]
    mask_v = mask.copy()
    mask_v[1:, :] |= mask[:-1, :]
    k, ox, oy = render.scale, render.ox, render.oy
    min_len = int(tuning.min_rule_pt / k)
    hsegs = [((r + oy + 0.5) * k, (a + ox) * k, (b + ox) * k) for r, a, b in _runs(mask_h, min_len)]
    vsegs = [
        ((c + ox + 0.5) * k, (a + oy) * k, (b + oy) * k) for c, a, b in _runs(mask_v.T, min_len)
    ]
    return hsegs, _attached(vsegs, hsegs, tuning.attach_pt)


def _attached(vsegs: list[Segment], hsegs: list[Segment], tol: float) -> list[Segment]:
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


def erase_rules(
    gray: npt.NDArray[np.uint8], scale: float, tuning: ScanRuleTuning
) -> npt.NDArray[np.uint8]:
    """Paint long straight rules white so they do not merge with glyphs."""
    img = gray.copy()
    mask = img < tuning.dark_level
    min_len = int(tuning.erase_rule_pt / scale)
    for r, a, b in _runs(mask, min_len):
        img[max(r - 1, 0) : r + 2, a:b] = 255
    for c, a, b in _runs(mask.T, min_len):
        img[a:b, max(c - 1, 0) : c + 2] = 255
    return img


def crop(render: Render, rect: BBox, min_px: int) -> tuple[npt.NDArray[np.uint8], int, int] | None:
    """The pixels of a rectangle of the straightened frame, with their top-left pixel; None
    when it is narrower or lower than `min_px`."""
    k = render.scale
    height, width = render.gray.shape
    c0 = max(int(rect[0] / k) - render.ox, 0)
    r0 = max(int(rect[1] / k) - render.oy, 0)
    c1 = min(int(rect[2] / k) - render.ox + 1, width)
    r1 = min(int(rect[3] / k) - render.oy + 1, height)
    if c1 - c0 < min_px or r1 - r0 < min_px:
        return None
    return render.gray[r0:r1, c0:c1], c0, r0


def _covered(segs: list[Segment], pos: float, start: float, stop: float, tol: float) -> float:
    """Share of start..stop that segments near `pos` cover (skew-tolerant)."""
    total = sum(
        max(0.0, min(s[2], stop) - max(s[1], start)) for s in segs if abs(s[0] - pos) <= tol
    )
    return total / max(stop - start, 1.0)


def _crossing(
    lines: list[float], segs: list[Segment], borders: list[float], tuning: ScanRuleTuning
) -> list[float]:
    """The outer lines, and the inner ones that run across at least one whole cell."""
    return [
        pos
        for i, pos in enumerate(lines)
        if i in (0, len(lines) - 1)
        or any(
            _covered(segs, pos, a, b, tuning.cross_tol_pt) >= tuning.cross_cover
            for a, b in itertools.pairwise(borders)
        )
    ]


def ruled_cells(grid: Grid, tuning: ScanRuleTuning) -> Grid:
    """The grid without rules that do not cross a single cell from border to border.

    In a scan the serifs along the baseline of bold text fuse into long dark runs, and tall
    letters stacked in a two-line heading into short strokes; both look like bits of rule,
    while a real rule spans at least one whole cell.
    """
    ys = _crossing(grid.ys, grid.hsegs, grid.xs, tuning)
    xs = _crossing(grid.xs, grid.vsegs, ys, tuning)
    return Grid(grid.bbox, xs, ys, grid.vsegs, grid.hsegs, grid.tuning)


def framed(grid: Grid, tuning: ScanRuleTuning) -> bool:
    """A table grid in a scan has a rule above and below, one along a side, and at least two
    rows and two columns; anything less is noise, a rule under a heading, or a box around text.

    One side may be missing: scanning fades or crops the outer edge of a page's printed area,
    and the inner column rules already show it is a grid.
    """
    x0, y0, x1, y1 = grid.bbox
    if len(grid.xs) < _MIN_GRID_RULES or len(grid.ys) < _MIN_GRID_RULES:
        return False
    tol, cover = tuning.frame_tol_pt, tuning.frame_cover
    return (
        _covered(grid.hsegs, y0, x0, x1, tol) > cover
        and _covered(grid.hsegs, y1, x0, x1, tol) > cover
        and max(_covered(grid.vsegs, x0, y0, y1, tol), _covered(grid.vsegs, x1, y0, y1, tol))
        > cover
    )
