"""Running headers, footers and page numbers.

A line in the top or bottom margin band is furniture when the same text (digits ignored, so
"pagina 3 van 6" matches "pagina 4 van 6") recurs on several pages, or when it is a bare page
number. OCR noise is tolerated by a fuzzy match against texts already known to recur.
A running header set right above a table can be read into it; such lines, taken from the
tables, count towards recurrence as well, but only for texts that also stand free on some
page: a table continued over several pages repeats its header row at the top of each, just
where a running header sits, but never outside the table.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import NamedTuple

from .layout import Line
from .tuning import FurnitureTuning

_PAGE_NUMBER = re.compile(
    r"^(?:(?:pagina|page|blz\.?|bladzijde|p\.)\s*)?[-–]?\s*\d{1,4}\s*[-–]?"
    r"(?:\s*(?:van|of|/|uit)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def _zone(line: Line, height: float, tuning: FurnitureTuning) -> str:
    top, bottom = margin_limits(height, tuning)
    if line.y1 <= top:
        return "top"
    if line.y0 >= bottom:
        return "bottom"
    return ""


def _band(key: str) -> str:
    """The zone of a margin text keyed as "zone:text"."""
    return key.partition(":")[0]


@dataclass(slots=True)
class Furniture:
    """The running headers, footers and page numbers of one document.

    `lines` are the free lines to drop. `covers` recognises the same running text where it
    was read into something else, such as a table that reaches up into the margin band.
    """

    recurring: set[str]
    tuning: FurnitureTuning
    lines: set[int] = field(default_factory=set)
    # "top"/"bottom": the running text of that band as printed, page numbers left out
    running: dict[str, str] = field(default_factory=dict)
    _fuzzy: dict[str, bool] = field(default_factory=dict)

    def covers(self, line: Line, height: float) -> bool:
        """Whether the line sits in a margin band and repeats a running header or footer.

        Bare page numbers are left out: in a table they are figures, not furniture.
        """
        zone = _zone(line, height, self.tuning)
        return bool(zone) and self.repeats(zone + ":" + _key(line.text))

    def repeats(self, key: str) -> bool:
        """Whether a margin text, keyed as "zone:text", is one of the recurring ones, or
        close enough to one in the same zone to be an OCR misreading of it."""
        if key in self.recurring:
            return True
        if len(key) < self.tuning.fuzzy_min_chars or not self.recurring:
            return False
        hit = self._fuzzy.get(key)
        if hit is None:
            hit = any(
                _band(k) == _band(key)
                and SequenceMatcher(None, k, key).ratio() >= self.tuning.fuzzy_ratio
                for k in self.recurring
            )
            self._fuzzy[key] = hit
        return hit


def margin_limits(height: float, tuning: FurnitureTuning) -> tuple[float, float]:
    """The y below which the top margin band ends and above which the bottom band begins."""
    return tuning.margin_share * height, (1 - tuning.margin_share) * height


def find_furniture(
    pages: list[list[Line]],
    heights: list[float],
    tuning: FurnitureTuning,
    caught: list[list[Line]] | None = None,
) -> Furniture:
    """The running text of the document and, among the free lines of `pages`, the ones that
    are furniture. `caught` holds, per page, the margin lines read into tables."""
    keyed: list[tuple[Line, str]] = []
    counts: Counter[str] = Counter()
    free: set[str] = set()
    for number, (lines, height) in enumerate(zip(pages, heights, strict=True)):
        seen: set[str] = set()
        in_tables = caught[number] if caught else []
        for line, stands_free in [
            *((ln, True) for ln in lines),
            *((ln, False) for ln in in_tables),
        ]:
            zone = _zone(line, height, tuning)
            if not zone:
                continue
            key = zone + ":" + _key(line.text)
            if key not in seen:
                seen.add(key)
                counts[key] += 1
            if stands_free:
                keyed.append((line, key))
                free.add(key)
    with_text = sum(1 for lines in pages if lines)
    need = max(tuning.min_pages, round(tuning.page_share * with_text))
    furniture = Furniture({k for k, n in counts.items() if n >= need and k in free}, tuning)
    flowing = _in_text_flow(pages, heights, furniture.recurring, tuning)
    printed: dict[str, Counter[str]] = {}
    for line, key in keyed:
        if id(line) in flowing:
            continue
        if _PAGE_NUMBER.match(line.text.strip()):
            furniture.lines.add(id(line))
        elif furniture.repeats(key):
            furniture.lines.add(id(line))
            if key in furniture.recurring:
                printed.setdefault(key, Counter())[" ".join(line.text.split())] += 1
    furniture.running = _running_texts(printed, tuning)
    return furniture


class _Printed(NamedTuple):
    """A recurring margin line: its key, its text as most often printed, how often read."""

    key: str
    text: str
    times: int


def _running_texts(printed: dict[str, Counter[str]], tuning: FurnitureTuning) -> dict[str, str]:
    """Per band, its recurring lines joined in order of first appearance, each as most often
    printed: the document's title and owner usually stand there, read on every page. Two OCR
    readings of one line are one line, in the reading that recurs most."""
    kept: dict[str, list[_Printed]] = {}
    for key, variants in printed.items():
        lines = kept.setdefault(_band(key), [])
        line = _Printed(key, variants.most_common(1)[0][0], variants.total())
        same = next(
            (
                i
                for i, (other, _, _) in enumerate(lines)
                if SequenceMatcher(None, other, key).ratio() >= tuning.fuzzy_ratio
            ),
            None,
        )
        if same is None:
            lines.append(line)
        elif line.times > lines[same].times:
            lines[same] = line
    return {zone: " · ".join(text for _, text, _ in lines) for zone, lines in kept.items()}


def _in_text_flow(
    pages: list[list[Line]], heights: list[float], recurring: set[str], tuning: FurnitureTuning
) -> set[int]:
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
        if not _zone(line, height, tuning)
    }
    keep: set[int] = set()
    for lines, height in zip(pages, heights, strict=True):
        for line in lines:
            zone = _zone(line, height, tuning)
            key = _key(line.text)
            if not zone or zone + ":" + key not in recurring:
                continue
            if (key, round(line.size)) not in in_body:
                continue
            if any(
                _adjacent(line, other, zone == "top", tuning)
                and _zone(other, height, tuning) + ":" + _key(other.text) not in recurring
                for other in lines
                if other is not line
            ):
                keep.add(id(line))
    return keep


def _adjacent(line: Line, other: Line, below: bool, tuning: FurnitureTuning) -> bool:
    """Whether `other` follows `line` (or precedes it) within a line gap, in the same column."""
    gap = other.y0 - line.y1 if below else line.y0 - other.y1
    if not 0 <= gap <= tuning.flow_gap_em * max(line.size, other.size, 1.0):
        return False
    return min(line.x1, other.x1) > max(line.x0, other.x0)
