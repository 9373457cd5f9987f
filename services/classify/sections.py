"""Headings and the section tree, read from typography relative to the body text.

Municipal reports differ in fonts and sizes, so nothing here names a size: a block is a heading
when it is short and set larger or bolder than the document's own body text, or when it is a
BBV question. Levels are the ranks of the distinct heading styles, largest first, so the same
code reads a serif report with 18/14/11.5 pt headings and a sans report with 16/12 pt ones.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from services.classify.cues import heading_context, normalise, question_context
from services.classify.tuning import DEFAULT, SectionTuning
from shared.documents import Section, TextBlock

__all__ = ["Heading", "body_style", "build_tree", "find_headings", "section_kind"]

SectionKind = Literal["programma", "taakveld", "beleidsveld", "hoofdactiviteit", "section"]


@dataclass(frozen=True)
class Heading:
    seq: int
    page: int
    text: str
    level: int
    kind: SectionKind
    number: str


@dataclass(frozen=True)
class BodyStyle:
    size: float
    bold: bool


def body_style(blocks: list[TextBlock]) -> BodyStyle:
    """The size and weight most text is set in, weighted by the amount of text."""
    sizes: Counter[float] = Counter()
    bold: Counter[bool] = Counter()
    for block in blocks:
        if block.size > 0:
            sizes[round(block.size * 2) / 2] += len(block.text)
        bold[block.bold] += len(block.text)
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    return BodyStyle(size=size, bold=bool(bold) and bold.most_common(1)[0][0])


_KIND_PATTERNS: list[tuple[re.Pattern[str], SectionKind]] = [
    (re.compile(r"^programma\b"), "programma"),
    (re.compile(r"^(?:sub)?taakveld\b"), "taakveld"),
    (re.compile(r"^beleidsveld\b"), "beleidsveld"),
    (re.compile(r"^hoofdactiviteit\b"), "hoofdactiviteit"),
]
_NUMBER = re.compile(r"(?:^|\s|:)(\d{1,3}(?:\.\d{1,3}){0,3})\.?(?=\s|$|:)")
_SENTENCE_END = re.compile(r"[.;,]$")


def section_kind(text: str) -> SectionKind:
    norm = normalise(text)
    for pattern, kind in _KIND_PATTERNS:
        if pattern.search(norm):
            return kind
    return "section"


def _number(text: str) -> str:
    match = _NUMBER.search(text[:40])
    return match.group(1) if match else ""


def _style_key(block: TextBlock) -> tuple[float, bool, bool]:
    return (round(block.size * 2) / 2, block.bold, block.italic)


_WORD = re.compile(r"[^\W\d_]{3,}")


def _wordy(text: str, ocr: bool, tuning: SectionTuning) -> bool:
    """Enough real words to be a title; OCR turns specks and rules into short letter runs."""
    words = _WORD.findall(text)
    letters = sum(ch.isalpha() for ch in text)
    if not words or letters < tuning.min_letter_share * len(text.replace(" ", "")):
        return False
    return (
        not ocr or len(words) >= tuning.ocr_min_words or len(words[0]) >= tuning.ocr_long_word_chars
    )


def _looks_like_heading(block: TextBlock, body: BodyStyle, tuning: SectionTuning) -> bool:
    text = block.text.strip()
    if not text or len(text) > tuning.max_chars or block.kind == "list_item":
        return False
    if not _wordy(text, block.ocr, tuning):
        return False
    if question_context(text) is not None and len(text) < tuning.question_max_chars:
        return True
    if _SENTENCE_END.search(text) and len(text) > tuning.sentence_min_chars:
        return False
    if text.count(". ") > tuning.max_sentence_breaks:
        return False
    larger = body.size > 0 and block.size >= body.size + tuning.larger_pt
    bolder = block.bold and not body.bold and block.size >= body.size - tuning.bolder_slack_pt
    if larger or bolder:
        return len(text) <= tuning.styled_max_chars or larger
    if not block.ocr:
        return False
    # OCR pages carry no reliable typography: a short known section title still counts, and
    # so does a line standing alone, since running text fills its lines and ends in punctuation.
    if len(text) < tuning.ocr_title_max_chars and heading_context(text) is not None:
        return True
    return _lone_line(block, text, tuning)


_CAPTION = re.compile(r"^(tabel|figuur|grafiek|afbeelding|kaart)\s*\d", re.IGNORECASE)
_OPEN_END = re.compile(r"[.;:,!?]$")


def _lone_line(block: TextBlock, text: str, tuning: SectionTuning) -> bool:
    """A scanned block of one short line that starts like a title and does not end like a
    sentence: a heading whose larger or bolder type OCR could not measure. Captions of tables
    and figures look the same and name no section."""
    _, top, _, bottom = block.bbox
    one_line = bottom - top <= tuning.ocr_one_line_em * max(block.size, 1.0)
    return (
        one_line
        and len(text) <= tuning.ocr_lone_line_max_chars
        and (text[0].isupper() or text[0].isdigit())
        and not _OPEN_END.search(text)
        and not _CAPTION.match(text)
    )


def find_headings(
    blocks: list[TextBlock], tuning: SectionTuning = DEFAULT.sections
) -> list[Heading]:
    """Every heading in reading order with its level (1 = outermost)."""
    body = body_style([b for b in blocks if not b.ocr] or blocks)
    candidates = [b for b in blocks if _looks_like_heading(b, body, tuning)]
    styles = sorted(
        {_style_key(b) for b in candidates if not b.ocr},
        key=lambda k: (-k[0], not k[1], k[2]),
    )
    rank = {key: index + 1 for index, key in enumerate(styles)}
    deepest = max(rank.values(), default=1)
    ocr_rank = _ocr_size_ranks([b for b in candidates if b.ocr], tuning.ocr_size_tolerance_pt)
    headings: list[Heading] = []
    for block in candidates:
        text = " ".join(block.text.split())
        if block.ocr or _style_key(block) not in rank:
            level = _ocr_level(text, deepest, ocr_rank.get(block.seq, 0))
        else:
            level = rank[_style_key(block)]
        headings.append(
            Heading(
                seq=block.seq,
                page=block.page,
                text=text,
                level=level,
                kind=section_kind(text),
                number=_number(text),
            )
        )
    return headings


def _ocr_size_ranks(blocks: list[TextBlock], tolerance: float) -> dict[int, int]:
    """Per OCR heading, the rank of its size among the OCR headings (0 = largest), sizes
    within `tolerance` of the next larger one counting as the same (OCR measures a line's
    height with a point or so of noise)."""
    ranks: dict[int, int] = {}
    rank, previous = 0, None
    for block in sorted(blocks, key=lambda b: -b.size):
        if previous is not None and previous - block.size > tolerance:
            rank += 1
        ranks[block.seq] = rank
        previous = block.size
    return ranks


def _ocr_level(text: str, deepest: int, size_rank: int) -> int:
    """Without reliable typography the kind of heading is the best guide to its depth; among
    the other headings a smaller print is a deeper level (a taakveld under "Wat kost het?")."""
    kind = section_kind(text)
    if kind == "programma":
        return 1
    if kind in ("taakveld", "beleidsveld", "hoofdactiviteit"):
        return 2
    return max(3, deepest) + size_rank


def build_tree(headings: list[Heading], last_page: int) -> list[Section]:
    """Nest headings by typographic rank; each section runs until the next one at its rank or
    above. A section's level is its depth in the tree, so a cover title set in a larger font
    than any heading does not push every real heading one level down."""
    roots: list[Section] = []
    stack: list[Section] = []
    ranks: list[int] = []
    for heading in headings:
        while stack and ranks[-1] >= heading.level:
            closed = stack.pop()
            ranks.pop()
            closed.page_end = max(closed.page_start, heading.page)
        section = Section(
            title=heading.text,
            level=len(stack) + 1,
            kind=heading.kind,
            number=heading.number,
            page_start=heading.page,
            page_end=heading.page,
        )
        if stack:
            stack[-1].children.append(section)
        else:
            roots.append(section)
        stack.append(section)
        ranks.append(heading.level)
    for section in stack:
        section.page_end = max(section.page_start, last_page)
    _close_parents(roots)
    return roots


def _close_parents(sections: list[Section]) -> None:
    for section in sections:
        _close_parents(section.children)
        for child in section.children:
            section.page_end = max(section.page_end, child.page_end)
