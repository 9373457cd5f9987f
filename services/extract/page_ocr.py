"""What the page analysis is given to read scanned pages: the OCR engine and the budget.

The core decides which pages are scans; it does not own how many may still be OCRed, nor the
engine. In one process the budget is a plain counter; the sandbox gives its children a budget
in shared memory, so the limit holds for a document whose pages several processes read. Tests
and tools can pass an engine of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import pymupdf

from .layout import Line
from .limits import ExtractLimits
from .tables import TableDraft

# page, its 1-based number, the limits, whether tables are read → lines outside tables, tables
ReadScan = Callable[[pymupdf.Page, int, ExtractLimits, bool], tuple[list[Line], list[TableDraft]]]


class OcrBudget(Protocol):
    """How many more pages of the document may be OCRed."""

    @property
    def skipped(self) -> int:
        """Pages this budget refused so far."""
        ...

    def take(self) -> bool:
        """Whether one more page may be OCRed; counts it, or counts it as skipped."""
        ...


class CountedOcrBudget:
    """The budget of a document read in this process alone."""

    def __init__(self, pages: int) -> None:
        self.left = pages
        self.skipped = 0

    def take(self) -> bool:
        if self.left > 0:
            self.left -= 1
            return True
        self.skipped += 1
        return False


@dataclass(frozen=True)
class PageOcr:
    """The engine that reads a scanned page, and the budget it draws on."""

    read: ReadScan
    budget: OcrBudget
