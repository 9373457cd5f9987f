"""The counters the sandbox children of one document share, in shared memory.

The parent creates them and hands them to every child it starts: the next page to take, so a
child slowed by other work on the machine simply takes fewer pages, and the pages that may
still be OCRed, so the OCR limit holds for the document as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized


@dataclass(frozen=True)
class SharedCounters:
    next_page: Synchronized[int]
    ocr_left: Synchronized[int]

    def take_pages(self, chunk: int, count: int) -> range:
        """The next run of at most `chunk` of the document's `count` pages; empty at the end."""
        with self.next_page.get_lock():
            start = self.next_page.value
            self.next_page.value = min(count, start + chunk)
        return range(start, min(count, start + chunk))


class SharedOcrBudget:
    """An `OcrBudget` drawn on by every child of a document."""

    def __init__(self, left: Synchronized[int]) -> None:
        self.left = left
        self.skipped = 0

    def take(self) -> bool:
        with self.left.get_lock():
            if self.left.value > 0:
                self.left.value -= 1
                return True
        self.skipped += 1
        return False
