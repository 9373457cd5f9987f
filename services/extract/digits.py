"""Table cells of a scan read again: amounts with digits only, column titles finer.

General-purpose OCR reads small figures in a table as letters ("Û" for 0, "B5" for 85), drops
thousands dots and minus signs; Tesseract can be told which characters a text may hold. The
cells to read again are cut out and stacked one under the other with wide white gaps, so one
call reads them all and no figure can run into another cell's.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import numpy.typing as npt

from .binarize import clean_ink, grey_ink, to_gray
from .tesseract import recognise
from .tuning import ExtractTuning, ScanCellTuning

Gray = npt.NDArray[np.uint8]

_WHITELIST = "0123456789.,-()%"
# One line per cell: the cells are stacked, and each is read as the line it is.
_PSM_LINES = "6"


def _canvas(crops: list[Gray], gap: int) -> tuple[Gray, list[int]]:
    width = max(c.shape[1] for c in crops) + 2 * gap
    height = sum(c.shape[0] for c in crops) + gap * (len(crops) + 1)
    canvas = np.full((height, width), 255, dtype=np.uint8)
    tops: list[int] = []
    y = gap
    for crop in crops:
        h, w = crop.shape
        # right-aligned, as amounts are printed: the figures stand in one column
        canvas[y : y + h, width - gap - w : width - gap] = crop
        tops.append(y)
        y += h + gap
    return canvas, tops


def parse_tsv(tsv: str) -> list[tuple[int, int, int, int, str]]:
    """(left, top, width, height, text) of every word in Tesseract's TSV output."""
    words: list[tuple[int, int, int, int, str]] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            box = (int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
        except (KeyError, TypeError, ValueError):
            continue
        words.append((*box, text))
    return words


def _read_stacked(
    crops: list[Gray], dpi: int, language: str, options: list[str], tuning: ScanCellTuning
) -> list[str]:
    """The text of each image, all stacked on one canvas and read in one call."""
    if not crops:
        return []
    gap = tuning.stack_gap_px
    canvas, tops = _canvas(crops, gap)
    # A word belongs to the image whose band, widened by half the gap each side, holds its
    # middle: the gap between two images is shared by both.
    reach = gap / 2
    found: list[list[tuple[int, int, int, str]]] = [[] for _ in crops]
    for left, top, _, height, text in parse_tsv(recognise(canvas, dpi, language, "tsv", options)):
        centre = top + height / 2
        for i, (crop, y) in enumerate(zip(crops, tops, strict=True)):
            if y - reach <= centre <= y + crop.shape[0] + reach:
                found[i].append((top, height, left, text))
                break
    return [_in_reading_order(words, tuning) for words in found]


def _in_reading_order(words: list[tuple[int, int, int, str]], tuning: ScanCellTuning) -> str:
    """Words of one cell line by line, each line from left to right."""
    lines: list[list[tuple[int, int, int, str]]] = []
    for word in sorted(words):
        if lines and word[0] - lines[-1][0][0] < tuning.same_line_share * lines[-1][0][1]:
            lines[-1].append(word)
        else:
            lines.append([word])
    return " ".join(text for line in lines for *_, text in sorted(line, key=lambda w: w[2]))


def read_cells(crops: list[Gray], dpi: int, language: str, tuning: ExtractTuning) -> list[str]:
    """The text of each cell image, read with digits and number signs only, in one call."""
    options = ["--psm", _PSM_LINES, "-c", f"tessedit_char_whitelist={_WHITELIST}"]
    cleaned = [clean(c, dpi, tuning) for c in crops]
    return _read_stacked(cleaned, dpi, language, options, tuning.scan_cells)


def read_titles(crops: list[Gray], dpi: int, language: str, tuning: ExtractTuning) -> list[str]:
    """The text of each column title image, in one call."""
    inked = [grey_ink(c, dpi, tuning.ocr) for c in crops]
    return _read_stacked(inked, dpi, language, ["--psm", _PSM_LINES], tuning.scan_cells)


def clean(gray: Gray, dpi: int, tuning: ExtractTuning) -> Gray:
    """Black figures on white: the digit reader takes cell shading for figures."""
    return to_gray(clean_ink(gray, dpi, tuning.scan_cells.digit_speck_pt, tuning.ocr))
