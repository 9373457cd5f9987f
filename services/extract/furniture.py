"""Running headers, footers and page numbers.

A line in the top or bottom margin band is furniture when the same text (digits ignored, so
"pagina 3 van 6" matches "pagina 4 van 6") recurs on several pages, or when it is a bare page
number. OCR noise is tolerated by a fuzzy match against texts already known to recur.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from .layout import Line

_PAGE_NUMBER = re.compile(
    r"^(?:(?:pagina|page|blz\.?|bladzijde|p\.)\s*)?[-–]?\s*\d{1,4}\s*[-–]?"
    r"(?:\s*(?:van|of|/|uit)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_MARGIN = 0.11
# Consecutive lines of one text flow are a fraction of an em apart; a running header or
# footer keeps a clearly wider distance from the body.
_FLOW_GAP_EM = 0.8


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def _zone(line: Line, height: float) -> str:
    if line.y1 <= _MARGIN * height:
        return "top"
    if line.y0 >= (1 - _MARGIN) * height:
        return "bottom"
    return ""


def find_furniture(pages: list[list[Line]], heights: list[float]) -> set[int]:
    """ids (id()) of the lines that are running headers, footers or page numbers."""
    keyed: list[tuple[Line, str]] = []
    counts: Counter[str] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        seen: set[str] = set()
        for line in lines:
            zone = _zone(line, height)
            if not zone:
                continue
            key = zone + ":" + _key(line.text)
            keyed.append((line, key))
            if key not in seen:
                seen.add(key)
                counts[key] += 1
    with_text = sum(1 for lines in pages if lines)
    need = max(2, round(0.25 * with_text))
    recurring = {k for k, n in counts.items() if n >= need}
    flowing = _in_text_flow(pages, heights, recurring)
    drop: set[int] = set()
    fuzzy_cache: dict[str, bool] = {}
    for line, key in keyed:
        if id(line) in flowing:
            continue
        text = line.text.strip()
        if key in recurring or _PAGE_NUMBER.match(text):
            drop.add(id(line))
            continue
        if len(key) < 8 or not recurring:
            continue
        hit = fuzzy_cache.get(key)
        if hit is None:
            hit = any(
                k[:3] == key[:3] and SequenceMatcher(None, k, key).ratio() >= 0.85
                for k in recurring
            )
            fuzzy_cache[key] = hit
        if hit:
            drop.add(id(line))
    return drop


def _in_text_flow(pages: list[list[Line]], heights: list[float], recurring: set[str]) -> set[int]:
    """ids of recurring margin lines that are body text after all.

    A page whose body starts in the top margin band can begin with a caption that recurs
    there ("Toelichting" over a card continued from the page before). Unlike a running header
    it reads into the text right below it, and the body uses the same caption, in the same
    type, elsewhere on its pages.
    """
    in_body = {
        (_key(line.text), round(line.size))
        for lines, height in zip(pages, heights, strict=True)
        for line in lines
        if not _zone(line, height)
    }
    keep: set[int] = set()
    for lines, height in zip(pages, heights, strict=True):
        for line in lines:
            zone = _zone(line, height)
            key = _key(line.text)
            if not zone or zone + ":" + key not in recurring:
                continue
            if (key, round(line.size)) not in in_body:
                continue
            if any(
                _adjacent(line, other, below=zone == "top")
                and _zone(other, height) + ":" + _key(other.text) not in recurring
                for other in lines
                if other is not line
            ):
                keep.add(id(line))
    return keep


def _adjacent(line: Line, other: Line, below: bool) -> bool:
    """Whether `other` follows `line` (or precedes it) within a line gap, in the same column."""
    gap = other.y0 - line.y1 if below else line.y0 - other.y1
    if not 0 <= gap <= _FLOW_GAP_EM * max(line.size, other.size, 1.0):
        return False
    return min(line.x1, other.x1) > max(line.x0, other.x0)
