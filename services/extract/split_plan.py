"""How the parent spreads a document's pages over sandbox children.

The first child reports the page count and whether the document is a scan; from that and the
children allowed (`ExtractLimits.page_workers`) the parent decides how many children to start
and how many pages each takes from the shared counter at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

# Below this many pages per child, starting a child and shipping its analysis back costs more
# than the pages it takes off the others (about 10 ms of analysis per born-digital page).
MIN_PAGES_PER_CHILD = 24

# Pages taken from the counter at a time: small enough that the children finish within a few
# pages of each other and the parent reads a run while the next is analysed, large enough that
# the counter's lock and the messages are never in the way. A scan's page takes seconds of OCR,
# so scanned pages are taken one at a time.
CHUNK_PAGES = 4


@dataclass(frozen=True, slots=True)
class Split:
    children: int
    chunk: int


def children_for(count: int, workers: int, min_pages: int = MIN_PAGES_PER_CHILD) -> int:
    """How many children, the first included, a document of `count` pages is worth."""
    return max(1, min(workers, count // min_pages))


def plan_split(page_count: int, scanned: bool, workers: int) -> Split:
    """The children and the pages each takes at a time; a scan is worth spreading however
    short it is, since OCR takes seconds a page."""
    children = children_for(page_count, workers, 1 if scanned else MIN_PAGES_PER_CHILD)
    return Split(children, 1 if scanned else CHUNK_PAGES)
