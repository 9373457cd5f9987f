"""Text of one page as visual lines with their spans and words.

MuPDF splits a line wherever the producer started a new text object, so a bullet glyph and its
text, or two runs on one baseline, arrive as separate lines; they are put back together here so
that later stages see the line a reader sees.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import Any

import pymupdf

from shared.numbers import is_amount

from .layout import Line, Span, Word, overlap_1d
from .tuning import TextTuning

# Ligature glyphs come out as the letters they join ("ﬁ" as "fi"): producers that map a
# ligature to its own code point (InDesign, browsers, LaTeX) would otherwise leave "ﬁnanciële"
# in the text, which a reader's search, the vocabulary and the taakveld names all miss.
TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP

# Bullet glyphs as text extraction gives them. Word sets its bullets in the Symbol and Wingdings
# fonts, whose glyphs come out as private-use code points: U+F0B7 is its round bullet, U+F0A7
# the square, U+F0D8 the arrow, U+F076 the diamond, U+F0FC the tick.
_BULLETS = "•●○◦▪■□▸►‣⁃·∙*➢➤✓✔❖◆♦→\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc\uf06e\uf0e0"
LIST_MARKER = re.compile(
    rf"^\s*(?:[{_BULLETS}]|[-–—](?=\s)|\d{{1,2}}[.)](?=\s)|[a-z][.)](?=\s)|\(\d{{1,2}}\)|\([a-z]\))\s*"
)
_BULLET_ONLY = re.compile(rf"^\s*(?:[{_BULLETS}\-–—]|\d{{1,2}}[.)]|[a-z][.)]|\(\d{{1,2}}\))\s*$")


def _span(raw: dict[str, Any]) -> Span:
    font = str(raw.get("font", ""))
    flags = int(raw.get("flags", 0))
    lower = font.lower()
    x0, y0, x1, y1 = (round(float(v), 2) for v in raw["bbox"])
    return Span(
        text=str(raw.get("text", "")),
        font=font,
        size=round(float(raw.get("size", 0.0)), 2),
        bold=bool(flags & pymupdf.TEXT_FONT_BOLD) or "bold" in lower or "black" in lower,
        italic=bool(flags & pymupdf.TEXT_FONT_ITALIC) or "italic" in lower or "oblique" in lower,
        bbox=(x0, y0, x1, y1),
    )


def _style_at(spans: list[Span], x: float, slack: float) -> Span:
    for span in spans:
        left, _, right, _ = span.bbox
        if left - slack <= x <= right + slack:
            return span
    return spans[0]


def read_lines(
    page: pymupdf.Page,
    textpage: pymupdf.TextPage,
    page_no: int,
    ocr: bool,
    tuning: TextTuning,
) -> list[Line]:
    """Visual lines of the page, each with its spans and its words, in no particular order."""
    content = page.get_text("dict", textpage=textpage)
    raw_lines: dict[tuple[int, int], Line] = {}
    for block in content.get("blocks", []):
        if block.get("type", 0) != 0:
            continue
        for li, raw in enumerate(block.get("lines", [])):
            direction = raw.get("dir", (1.0, 0.0))
            if abs(direction[1]) > tuning.max_slope:
                continue  # vertical text in margins is decoration, not reading matter
            spans = [_span(s) for s in raw.get("spans", []) if s.get("text")]
            if not spans or not "".join(s.text for s in spans).strip():
                continue
            x0, y0, x1, y1 = (float(v) for v in raw["bbox"])
            raw_lines[(int(block.get("number", 0)), li)] = Line(
                x0, y0, x1, y1, spans, page=page_no, ocr=ocr
            )
    for w in page.get_text("words", textpage=textpage):
        line = raw_lines.get((int(w[5]), int(w[6])))
        if line is None:
            continue
        style = _style_at(line.spans, (w[0] + w[2]) / 2, tuning.span_slack_pt)
        line.words.append(
            Word(w[0], w[1], w[2], w[3], str(w[4]), style.bold, style.italic, style.size)
        )
    lines = list(raw_lines.values())
    return ocr_lines(lines, tuning) if ocr else merge_same_baseline(lines, tuning)


def ocr_lines(lines: list[Line], tuning: TextTuning) -> list[Line]:
    """Visual lines of OCR pieces, without the specks and rule fragments OCR reads as text."""
    readable = [ln for ln in lines if _readable(ln, tuning.ocr_min_height_pt)]
    return merge_same_baseline(readable, tuning)


def _readable(line: Line, min_height: float) -> bool:
    """OCR turns specks and rule fragments into tiny lines of punctuation: drop them."""
    return line.height >= min_height and sum(ch.isalnum() for ch in line.text) >= 1


def _word_gap(line: Line, tuning: TextTuning) -> float:
    """Widest gap (in ems) between two pieces of one line.

    Tesseract cuts a justified line at its wide word spaces (up to about 1.2 em), so OCR
    pieces get more room; a column gutter or a gap between table cells is wider than that.
    """
    return tuning.ocr_word_gap_em if line.ocr else tuning.word_gap_em


def merge_same_baseline(lines: list[Line], tuning: TextTuning) -> list[Line]:
    """Join pieces of one visual line: a list marker and its text, or runs split by the producer.

    Pieces further apart than about one em (a little more in OCR text) are kept apart here: that
    gap is a column or cell border, or a space that justified setting stretched, which
    `_join_justified` tells apart by the lines around it.
    """
    lines = sorted(lines, key=lambda ln: (ln.x0, ln.y0))
    merged: list[Line] = []
    for line in lines:
        size = max(line.size, 1.0)
        target = None
        reach, y0, y1 = line.x0 + tuning.reach_pt, line.y0, line.y1
        for cand in reversed(merged):
            # inlined and cheap test first: on a page of tables this loop meets every pair of
            # cells, and it led the extraction's profile. Same row: the pieces' vertical
            # extents overlap by at least `same_row_overlap` of the lower one.
            if cand.x1 > reach:
                continue
            overlap = min(cand.y1, y1) - max(cand.y0, y0)
            if max(0.0, overlap) < tuning.same_row_overlap * min(cand.y1 - cand.y0, y1 - y0):
                continue
            gap = line.x0 - cand.x1
            limit = (
                tuning.bullet_gap_em * size
                if _BULLET_ONLY.match(cand.text)
                else _word_gap(line, tuning) * size
            )
            if gap <= limit:
                target = cand
                break
        if target is None:
            merged.append(line)
            continue
        _append(target, line)
    return _join_justified(merged, tuning)


def _append(target: Line, line: Line) -> None:
    """`line` added to the right end of `target`, a word space between them."""
    if not target.text.endswith(" ") and not line.spans[0].text.startswith(" "):
        line.spans[0] = replace(line.spans[0], text=" " + line.spans[0].text)
    target.spans.extend(line.spans)
    target.words.extend(line.words)
    target.x1 = max(target.x1, line.x1)
    target.y0 = min(target.y0, line.y0)
    target.y1 = max(target.y1, line.y1)


def _prose(line: Line) -> bool:
    text = line.text
    return any(ch.isalpha() for ch in text) and not is_amount(text)


def _same_row(a: Line, b: Line, overlap: float) -> bool:
    return overlap_1d(a.y0, a.y1, b.y0, b.y1) >= overlap * min(a.height, b.height)


def _join_justified(lines: list[Line], tuning: TextTuning) -> list[Line]:
    """Join words that justified setting drove further apart than a word space.

    A justified line in a narrow column stretches its spaces, and PDF text extraction cuts it
    wherever a space grows past about an em, which a column gutter or a cell border also is.
    What tells them apart is the lines around the gap: a gutter or a cell border runs down
    through the rows above and below it, while the stretched spaces of justified lines fall at
    different places in each line, so the neighbouring lines run through the gap rather than
    start where the piece after it starts. A line that is joined may then run through a gap of
    its neighbour, so the joining is repeated.
    """
    while len(lines) > 1:
        rows = _ByTop(lines)
        joined: set[int] = set()
        for left in sorted(lines, key=lambda ln: ln.x0):
            if id(left) in joined:
                continue
            # geometry first: most lines have nothing beside them, and reading a text costs more
            while (right := _next_on_row(left, rows, joined, tuning)) is not None:
                if not (_prose(left) and _prose(right)):
                    break
                if not _spanned_gap(left, right, rows, joined, tuning):
                    break
                _append(left, right)
                joined.add(id(right))
        if not joined:
            break
        lines = [ln for ln in lines if id(ln) not in joined]
    return lines


class _ByTop:
    """The lines of a page by their top, to find those within a band of heights quickly."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = sorted(lines, key=lambda ln: ln.y0)
        self.tops = [ln.y0 for ln in self.lines]
        self.tallest = max(ln.height for ln in lines)

    def near(self, top: float, bottom: float) -> list[Line]:
        """The lines that may reach into the band from `top` to `bottom`."""
        start = bisect.bisect_left(self.tops, top - self.tallest)
        return self.lines[start : bisect.bisect_right(self.tops, bottom)]


def _next_on_row(left: Line, rows: _ByTop, joined: set[int], tuning: TextTuning) -> Line | None:
    """The piece right of `left` on its row, within a justified space of it."""
    limit = left.x1 + tuning.justified_gap_em * max(left.size, 1.0)
    nearest = None
    for cand in rows.near(left.y0, left.y1):
        if (
            left.x1 <= cand.x0 <= limit
            and id(cand) not in joined
            and (nearest is None or cand.x0 < nearest.x0)
            and _same_row(left, cand, tuning.same_row_overlap)
        ):
            nearest = cand
    return nearest


def _spanned_gap(
    left: Line, right: Line, rows: _ByTop, joined: set[int], tuning: TextTuning
) -> bool:
    """Whether more lines near the gap run through it than start where the piece after it
    starts, as the lines of a column (or the right-flush last words of justified lines) do."""
    middle = (left.x1 + right.x0) / 2
    reach = tuning.justified_neighbour_lines * max(left.height, right.height)
    top, bottom = min(left.y0, right.y0) - reach, max(left.y1, right.y1) + reach
    through = aligned = 0
    for line in rows.near(top, bottom):
        if line.y1 < top or id(line) in joined or line is right or line is left:
            continue
        if _same_row(line, left, tuning.same_row_overlap):
            continue
        if line.x0 < middle < line.x1:
            through += 1
        elif abs(line.x0 - right.x0) <= tuning.column_edge_pt:
            aligned += 1
    return through > aligned


_OCR_BULLET = re.compile(r"^\s*(?:[_«»+•°·*~]\s*){1,3}(?=[^\W\d_])")


def ocr_bullet(text: str) -> str:
    """A round bullet as OCR reads it ("_", "«", "+ _") made a plain bullet again."""
    return _OCR_BULLET.sub("• ", text, count=1)


def ocr_bullet_spans(spans: list[Span]) -> list[Span]:
    """`ocr_bullet` on a line whose bullet may be a span of its own."""
    text = "".join(s.text for s in spans)
    if not _OCR_BULLET.match(text):
        return spans
    rest = list(spans)
    while len(rest) > 1 and not any(ch.isalnum() for ch in rest[0].text):
        rest.pop(0)
    first = replace(rest[0], text=ocr_bullet("_ " + rest[0].text.lstrip(" _«»+•°·*~")))
    return [first, *rest[1:]]


def split_marker(text: str) -> tuple[str, str]:
    """(list marker, rest) of a line; the marker is empty when the line is not a list item."""
    match = LIST_MARKER.match(text)
    if not match or match.end() >= len(text):
        return "", text
    return match.group(0).strip(), text[match.end() :]


_NO_JOIN_AFTER_HYPHEN = frozenset({"en", "of", "tot", "t/m", "en/of"})


def join_text(left: str, right: str) -> str:
    """Append a wrapped line, rejoining a word hyphenated at the line end.

    A hyphen before "en"/"of" is a Dutch elision ("Jeugd- en Wmo-zorg") and stays. A range
    of figures wrapped at its dash ("2023-" over "2024") is rejoined with the dash kept.
    """
    left = left.rstrip()
    right = right.strip()
    if not left:
        return right
    if not right:
        return left
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if (
        left.endswith("-")
        and left != "-"
        and left[-2].isalpha()
        and right[0].islower()
        and right.split(" ", 1)[0].rstrip(",.;:") not in _NO_JOIN_AFTER_HYPHEN
    ):
        return left[:-1] + right
    if left.endswith("-") and left != "-" and left[-2].isdigit() and right[0].isdigit():
        return left + right
    return left + " " + right


def clean_text(text: str) -> str:
    """Normalise whitespace and drop soft hyphens inside a line."""
    return " ".join(text.replace("\u00ad", "").split())
