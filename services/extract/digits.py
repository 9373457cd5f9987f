"""Amount columns of scanned tables, read again with digits only.

General-purpose OCR reads small figures in a table as letters ("Û" for 0, "B5" for 85), drops
thousands dots and runs neighbouring cells together; Tesseract can be told which characters a
text may hold. The columns are cut out and laid side by side with wide white gaps, so one call
reads the whole table and no figure can run into the next column's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .binarize import clean_ink, to_gray
from .layout import Word
from .tesseract import recognise

Gray = npt.NDArray[np.uint8]

_WHITELIST = "0123456789.,-()%"
_GAP_PX = 60
_SPECK_PT = 0.0  # a decimal point in small table type is no bigger than a speck


@dataclass(slots=True)
class Strip:
    """One amount column cut from the page image: its pixels and where they came from."""

    gray: Gray
    x0: float
    y0: float
    scale: float


def _canvas(strips: list[Strip]) -> tuple[Gray, list[int]]:
    height = max(s.gray.shape[0] for s in strips)
    width = sum(s.gray.shape[1] for s in strips) + _GAP_PX * (len(strips) + 1)
    canvas = np.full((height + 2 * _GAP_PX, width), 255, dtype=np.uint8)
    offsets: list[int] = []
    x = _GAP_PX
    for s in strips:
        h, w = s.gray.shape
        canvas[_GAP_PX : _GAP_PX + h, x : x + w] = s.gray
        offsets.append(x)
        x += w + _GAP_PX
    return canvas, offsets


def _digits_tsv(gray: Gray, dpi: int, language: str, psm: int = 6) -> str:
    """Tesseract's word table for the image, read with digits and number signs only."""
    options = ["--psm", str(psm), "-c", f"tessedit_char_whitelist={_WHITELIST}"]
    return recognise(gray, dpi, language, "tsv", options)


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


def read_strips(strips: list[Strip], dpi: int, language: str) -> list[list[Word]]:
    """Words of each strip, in page points, read with digits and number signs only."""
    if not strips:
        return []
    canvas, offsets = _canvas([Strip(clean(s.gray, dpi), s.x0, s.y0, s.scale) for s in strips])
    out: list[list[Word]] = [[] for _ in strips]
    for left, top, width, height, text in parse_tsv(_digits_tsv(canvas, dpi, language)):
        centre = left + width / 2
        for i, (strip, offset) in enumerate(zip(strips, offsets, strict=True)):
            if offset <= centre <= offset + strip.gray.shape[1]:
                k = strip.scale
                x0 = strip.x0 + (left - offset) * k
                y0 = strip.y0 + (top - _GAP_PX) * k
                out[i].append(Word(x0, y0, x0 + width * k, y0 + height * k, text, size=height * k))
                break
    return out


def read_cell(gray: Gray, dpi: int, language: str) -> str:
    """The text of one cell read as a single line: a lone narrow figure ("1", "0") that the
    reading of a whole column passes over is found this way."""
    height, width = gray.shape
    canvas = np.full((height + 2 * _GAP_PX, width + 2 * _GAP_PX), 255, dtype=np.uint8)
    canvas[_GAP_PX : _GAP_PX + height, _GAP_PX : _GAP_PX + width] = clean(gray, dpi)
    words = parse_tsv(_digits_tsv(canvas, dpi, language, psm=7))
    return " ".join(w[4] for w in words)


def clean(gray: Gray, dpi: int) -> Gray:
    """Black figures on white: the digit reader takes cell shading for figures."""
    return to_gray(clean_ink(gray, dpi, speck_pt=_SPECK_PT))
