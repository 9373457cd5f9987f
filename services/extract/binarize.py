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

from .tuning import OcrTuning

Gray = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


def ink_threshold(gray: Gray, tuning: OcrTuning) -> int:
    """Otsu's threshold between ink and paper, kept within a sane band so that a page with
    hardly any text or with heavy shading is not split at a wild level."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return tuning.max_ink_level
    levels = np.arange(256, dtype=np.float64)
    weight0 = np.cumsum(hist)
    weight1 = total - weight0
    mean0 = np.cumsum(hist * levels)
    mean_all = mean0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * weight0 / total - mean0) ** 2 / (weight0 * weight1)
    between = np.nan_to_num(between)
    return int(np.clip(int(np.argmax(between)), tuning.min_ink_level, tuning.max_ink_level))


def _box_count(mask: Mask, radius: int) -> npt.NDArray[np.uint16]:
    """How many ink pixels lie in the (2r+1)-square around every pixel: the square's rows are
    added up and then its columns, in small integers (a page has millions of pixels)."""
    size = 2 * radius + 1
    height, width = mask.shape
    padded = np.pad(mask, radius).view(np.uint8)
    rows = np.zeros((height, width + 2 * radius), dtype=np.uint16)
    for dy in range(size):
        rows += padded[dy : dy + height]
    counts = np.zeros((height, width), dtype=np.uint16)
    for dx in range(size):
        counts += rows[:, dx : dx + width]
    return counts


def clean_ink(gray: Gray, dpi: int, speck_pt: float, tuning: OcrTuning) -> Mask:
    """Ink pixels of a page image without shading and specks up to about `speck_pt` across."""
    ink = gray < ink_threshold(gray, tuning)
    if speck_pt <= 0:
        return ink
    radius = max(round(speck_pt * dpi / 72), 1)
    # A pixel stays when its window holds at least a square of ink one pixel wider than the
    # speck radius: a speck cannot fill that much, a full stop or a stroke can.
    side = radius + 1
    keep: Mask = ink & (_box_count(ink, radius) >= side * side)
    return keep


def to_gray(mask: Mask) -> Gray:
    """Black ink on white paper, as Tesseract wants it."""
    return np.where(mask, 0, 255).astype(np.uint8)


def grey_ink(gray: Gray, dpi: int, tuning: OcrTuning) -> Gray:
    """Paper, shading and specks white, ink left in its shades of grey.

    Tesseract's own binarisation of the ink alone draws the edges of glyphs finer than a
    threshold chosen for the whole page: at that threshold the letters of bold headings on
    shaded cells run together ("Presiatie" for "Prestatie").
    """
    out: Gray = np.where(clean_ink(gray, dpi, tuning.speck_pt, tuning), gray, 255).astype(np.uint8)
    return out
