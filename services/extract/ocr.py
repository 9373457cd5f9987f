"""OCR of pages without a usable text layer.

Only pages that show an image and carry (almost) no extractable text are OCRed, so blank pages
and born-digital pages never reach Tesseract.
"""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

from .grid import Grid
from .layout import Line
from .limits import ExtractLimits
from .text import TEXT_FLAGS, read_lines

_MIN_CHARS = 20


@dataclass(slots=True)
class OcrBudget:
    """How many more pages may be OCRed in this document."""

    limit: int
    used: int = 0
    skipped: int = 0

    def take(self) -> bool:
        if self.used < self.limit:
            self.used += 1
            return True
        self.skipped += 1
        return False


def needs_ocr(page: pymupdf.Page, lines: list[Line]) -> bool:
    """A page that shows a picture but has too little real text is a scan."""
    text = "".join(ln.text for ln in lines)
    usable = sum(1 for ch in text if ch.isalnum())
    garbage = text.count("\ufffd")
    if usable >= _MIN_CHARS and garbage < 0.1 * max(len(text), 1):
        return False
    area = abs(page.rect)
    covered = 0.0
    for info in page.get_image_info():
        bbox = pymupdf.Rect(info["bbox"]) & page.rect
        covered += abs(bbox)
        if covered >= 0.2 * area:
            return True
    return False


def ocr_page(
    page: pymupdf.Page, number: int, limits: ExtractLimits
) -> tuple[list[Line], list[Grid]]:
    """Lines of the OCRed page and the ruled table grids seen in its image."""
    textpage = page.get_textpage_ocr(
        flags=TEXT_FLAGS, language=limits.ocr_language, dpi=limits.ocr_dpi, full=True
    )
    lines = read_lines(page, textpage, number, ocr=True)
    return lines, []
