"""Paragraphs and list items from lines in reading order.

Within one flow a paragraph ends at a wider-than-usual line gap, a change of type style or a
list marker. At a column or page break (the next line starts higher up, or on a new page) the
paragraph goes on when its text is not finished (no closing punctuation) and the next line is
set in the same body style and is not a new list item.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from shared.documents import TextBlock

from .layout import Line, dominant_span, union
from .text import clean_text, join_text, split_marker
from .tuning import DEFAULT, ParagraphTuning

_TERMINAL = (".", "!", "?", ":", ";")
_CLOSERS = "\"')]”’»"


@dataclass(slots=True)
class BlockDraft:
    lines: list[Line]
    kind: str = "text"
    marker: str = ""
    text_x0: float = 0.0
    parts: list[str] = field(default_factory=list)


def _same_style(a: Line, b: Line, tuning: ParagraphTuning) -> bool:
    """Same type style; OCR measures the size from glyph boxes, so it gets more slack."""
    slack = tuning.ocr_size_slack_pt if a.ocr or b.ocr else tuning.size_slack_pt
    return abs(a.size - b.size) < slack and a.bold == b.bold


def body_size(lines: list[Line]) -> float:
    """The type size most characters are set in."""
    counts: Counter[float] = Counter()
    for line in lines:
        counts[round(line.size * 2) / 2] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def typical_gap(items: list[Line], tuning: ParagraphTuning) -> float:
    gaps = [
        b.y0 - a.y1
        for a, b in itertools.pairwise(items)
        if a.page == b.page
        and b.y0 >= a.y0
        and abs(a.size - b.size) < tuning.size_slack_pt
        and tuning.min_gap_pt <= b.y0 - a.y1 < tuning.max_leading_em * a.size
    ]
    return median(gaps) if gaps else 2.0


def unfinished(text: str) -> bool:
    """Whether the text stops without closing punctuation, so it may go on after a break."""
    t = text.rstrip().rstrip(_CLOSERS)
    return bool(t) and not t.endswith(_TERMINAL)


def _wrapped_before(cur: BlockDraft, line: Line, tuning: ParagraphTuning) -> bool | None:
    """Whether the block's last line was broken by wrapping: the next line's first word would
    not have fitted after it. None when the block has too few lines in that column to show
    how wide the column is.

    A wrapped last line means a paragraph that reaches the foot of a column at a sentence
    boundary still goes on in the next column or page; room left means the writer ended the
    paragraph there, even without closing punctuation (a signature, a list of names).
    """
    last = cur.lines[-1]
    same = [
        ln
        for ln in cur.lines
        if ln.page == last.page and abs(ln.x0 - last.x0) < tuning.column_align_pt
    ]
    if len(same) < tuning.min_column_lines or not line.words:
        return None
    return _overhang(last, line, max(ln.x1 for ln in same), tuning) > 1.0


def _overhang(last: Line, line: Line, right: float, tuning: ParagraphTuning) -> float:
    """How far past `right` the first word of `line` would reach, set after `last` with a
    word space: above zero it did not fit, so `last` was wrapped."""
    first = min(line.words, key=lambda w: w.x0)
    space = tuning.space_em * max(line.size, 1.0)
    return last.x1 + space + (first.x1 - first.x0) - right


def _wrapped_dash(cur: BlockDraft, line: Line, marker: str, slack: float) -> bool:
    """A wrapped line that happens to begin with a dash, not a new dash item.

    Inside a list item it starts at the item's text indent; inside a paragraph it follows a
    line that did not end a sentence; `slack` is how far off that indent it may start.
    """
    if marker not in ("-", "–", "—"):
        return False
    if cur.kind == "list_item":
        return line.x0 >= cur.text_x0 - slack
    return unfinished(cur.parts[-1]) and abs(line.x0 - cur.lines[-1].x0) < slack


def build_blocks(
    items: list[Line], body: float, gap: float, tuning: ParagraphTuning = DEFAULT.paragraphs
) -> list[BlockDraft]:
    """Group consecutive lines (one document-wide reading-order sequence) into blocks."""
    blocks: list[BlockDraft] = []
    cur: BlockDraft | None = None
    for line in items:
        marker, rest = split_marker(line.text)
        if cur is not None and _continues(cur, line, marker, (body, gap), tuning):
            prev = cur.lines[-1]
            if line.page != prev.page or line.y0 < prev.y0 - 1.0:
                # Continued in the next column or on the next page: its lines align there.
                cur.text_x0 = line.x0
            cur.lines.append(line)
            cur.parts.append(line.text)
            continue
        cur = BlockDraft([line], kind="list_item" if marker else "text", marker=marker)
        cur.parts.append(rest if marker else line.text)
        cur.text_x0 = _text_x0(line, marker)
        blocks.append(cur)
    return blocks


def _text_x0(line: Line, marker: str) -> float:
    if not marker:
        return line.x0
    for w in line.words:
        if w.text.strip() and w.text.strip() != marker and not w.text.strip().startswith(marker):
            return w.x0
    return line.x0


def _short_ending(cur: BlockDraft, line: Line, share: float) -> bool:
    """The block so far is a heading or a finished paragraph: a lone question, or a line that
    ends a sentence well short of the next one (less than `share` of its width).

    OCR gives no reliable type style, so a heading set in bold at body size would otherwise
    run into the paragraph below it.
    """
    prev = cur.lines[-1]
    text = cur.parts[-1].rstrip().rstrip(_CLOSERS)
    if len(cur.lines) == 1 and text.endswith("?"):
        return True
    return text.endswith(_TERMINAL) and (prev.x1 - prev.x0) < share * (line.x1 - line.x0)


def _broken_short(prev: Line, line: Line, tuning: ParagraphTuning) -> bool:
    """The writer broke `prev` with room left: the first word of `line` would have fitted
    after it within `line`'s width, and `prev` does not end in a hyphen.

    Running text wraps only when the next word does not fit, so a line with room left ends
    a heading or a paragraph whatever its punctuation or type size. OCR needs this most: it
    gives no reliable style, and a heading sits as close above its paragraph as a line does.
    """
    if not line.words or prev.text.rstrip().endswith(("-", "‐", "­")):
        return False
    return _overhang(prev, line, line.x1, tuning) < -tuning.wrap_slack_em * max(line.size, 1.0)


def _continues(
    cur: BlockDraft,
    line: Line,
    marker: str,
    spacing: tuple[float, float],
    tuning: ParagraphTuning,
) -> bool:
    """Whether `line` goes on the block; `spacing` is the body size and the usual leading."""
    body, gap = spacing
    prev = cur.lines[-1]
    if marker and not _wrapped_dash(cur, line, marker, tuning.indent_slack_pt):
        return False
    if not _same_style(prev, line, tuning):
        return False
    moved_up = line.page != prev.page or line.y0 < prev.y0 - 1.0
    if moved_up:
        slack = tuning.ocr_size_slack_pt if line.ocr else tuning.size_slack_pt
        if abs(line.size - body) >= slack or line.bold:
            return False
        first = line.text.lstrip("\"'‘“(")[:1]
        wrapped = _wrapped_before(cur, line, tuning)
        if first.islower() or wrapped:
            return True
        # OCR has no type style to tell a heading at the top of the next page from running text
        return not line.ocr and wrapped is None and unfinished(cur.parts[-1])
    if line.y0 - prev.y1 > gap + tuning.paragraph_gap_em * max(line.size, 1.0):
        return False
    if line.ocr and (
        _short_ending(cur, line, tuning.short_line_share) or _broken_short(prev, line, tuning)
    ):
        return False
    if line.x1 < prev.x0 or line.x0 > prev.x1:
        return False
    return not (cur.kind == "list_item" and line.x0 < cur.text_x0 - tuning.list_indent_slack_pt)


def to_text_block(draft: BlockDraft, seq: int) -> TextBlock:
    text = ""
    for part in draft.parts:
        text = join_text(text, part)
    first_page = draft.lines[0].page
    on_first = [ln for ln in draft.lines if ln.page == first_page]
    spans = [s for ln in draft.lines for s in ln.spans if s.text.strip()]
    style = dominant_span(spans) if spans else draft.lines[0].spans[0]
    return TextBlock(
        seq=seq,
        page=first_page,
        kind="list_item" if draft.kind == "list_item" else "text",
        text=clean_text(text),
        bbox=tuple(round(v, 2) for v in union([ln.bbox for ln in on_first])),
        font=style.font,
        size=style.size,
        bold=style.bold,
        italic=style.italic,
        ocr=any(ln.ocr for ln in draft.lines),
    )
