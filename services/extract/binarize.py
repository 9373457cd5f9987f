"""Black-and-white page images for OCR.

Scans carry grey cell shading, paper grain and compression specks. Tesseract binarises on its
own, but it keeps shading and specks as ink, and those turn into garbage words ("Ee", "|")
inside table cells and between paragraphs. A global threshold between ink and paper, chosen
from the page's own histogram, drops the shading; a small-window ink count drops the specks
while keeping full stops and decimal points, which are larger than a speck at OCR resolution.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Gray = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]

_SPECK_PT = 0.45
_MAX_THRESHOLD = 175
_MIN_THRESHOLD = 90


def ink_threshold(gray: Gray) -> int:
    """Otsu's threshold between ink and paper, kept within a sane band so that a page with
    hardly any text or with heavy shading is not split at a wild level."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return _MAX_THRESHOLD
    levels = np.arange(256, dtype=np.float64)
    weight0 = np.cumsum(hist)
    weight1 = total - weight0
    mean0 = np.cumsum(hist * levels)
    mean_all = mean0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * weight0 / total - mean0) ** 2 / (weight0 * weight1)
    between = np.nan_to_num(between)
    return int(np.clip(int(np.argmax(between)), _MIN_THRESHOLD, _MAX_THRESHOLD))


def _box_count(mask: Mask, radius: int) -> npt.NDArray[np.int32]:
    """How many ink pixels lie in the (2r+1)-square around every pixel."""
    size = 2 * radius + 1
    padded = np.pad(mask.astype(np.int32), radius + 1)
    integral = padded.cumsum(axis=0).cumsum(axis=1)
    height, width = mask.shape
    a = integral[size : size + height, size : size + width]
    b = integral[:height, size : size + width]
    c = integral[size : size + height, :width]
    d = integral[:height, :width]
    counts: npt.NDArray[np.int32] = (a - b - c + d).astype(np.int32)
    return counts


def clean_ink(gray: Gray, dpi: int, speck_pt: float = _SPECK_PT) -> Mask:
    """Ink pixels of a page image without shading and specks up to about `speck_pt` across."""
    ink = gray < ink_threshold(gray)
    if speck_pt <= 0:
        return ink
    radius = max(round(speck_pt * dpi / 72), 1)
    keep: Mask = ink & (_box_count(ink, radius) >= (radius + 1) ** 2)
    return keep


def to_gray(mask: Mask) -> Gray:
    """Black ink on white paper, as Tesseract wants it."""
    return np.where(mask, 0, 255).astype(np.uint8)
