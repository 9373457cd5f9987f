"""Tables printed as stacked cards.

A web report platform printed from a browser lays a text table out as one card per row: inside
each card every cell sits under a small bold caption that names its column. Read line by line,
the captions look like headings and the cells like paragraphs, so the table's structure, which
tells what each text is, would be lost. A run of cards that repeat the same captions is read
back as the table it stands for: the captions become the header row, each card a body row.
Runs are found in the document's reading order, after running headers and footers are gone,
so a card continued over a page break stays one row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.documents import BBox

from .layout import Line, overlap_1d, union
from .paragraphs import unfinished
from .tables import TableDraft
from .text import clean_text, join_text, split_marker
from .tuning import CardTuning

# A caption names a column; a line ending a sentence is text, even when short and bold.
_SENTENCE_END = (".", "!", "?", ";")


@dataclass(slots=True)
class _Cell:
    caption: Line
    lines: list[Line] = field(default_factory=list)

    @property
    def key(self) -> str:
        return clean_text(self.caption.text)


Card = list[_Cell]
Item = Line | TableDraft


def frame_boxes(drawings: list[dict[str, Any]], tuning: CardTuning) -> list[BBox]:
    """Rectangles of the page's drawings (`page.get_drawings()`) big enough to frame a card."""
    boxes: list[BBox] = []
    for path in drawings:
        rect = path.get("rect")
        if rect is None or rect.width < tuning.min_frame_pt or rect.height < tuning.min_frame_pt:
            continue
        boxes.append((float(rect.x0), float(rect.y0), float(rect.x1), float(rect.y1)))
    return boxes


def framing_text(frames: list[BBox], lines: list[Line], tuning: CardTuning) -> list[BBox]:
    """The frames that enclose a line of text.

    Only those can frame a card, and a page of vector graphics keeps just the few of its many
    shapes that do once the page has been analysed.
    """
    return [f for f in frames if any(_encloses(f, line.bbox, tuning) for line in lines)]


def read_card_tables(
    stream: list[Item], body: float, frames: dict[int, list[BBox]], tuning: CardTuning
) -> list[Item]:
    """The reading-order stream with every run of stacked cards replaced by its table.

    `frames` holds, per page, the drawn rectangles that may frame a card; cards that each have
    a frame of their own make a ruled table.
    """
    out: list[Item] = []
    i = 0
    while i < len(stream):
        item = stream[i]
        if isinstance(item, Line) and _is_caption(item, body, tuning):
            cards, taken = _cards_from(stream, i, body, tuning)
            if cards:
                out.append(_to_draft(cards, frames, tuning))
            else:
                out.extend(stream[i : i + taken])
            i += taken
            continue
        out.append(item)
        i += 1
    return out


def _is_caption(line: Line, body: float, tuning: CardTuning) -> bool:
    text = line.text
    if line.size > body + tuning.size_slack_pt or len(text.split()) > tuning.caption_max_words:
        return False
    if split_marker(text)[0] or text.endswith(_SENTENCE_END):
        return False
    return all(s.bold for s in line.spans if s.text.strip())


def _cards_from(
    stream: list[Item], start: int, body: float, tuning: CardTuning
) -> tuple[list[Card], int]:
    """The cards of the run starting at `start`, and how many stream items they take.

    No cards when the run does not repeat its captions as a table's cards would; the items
    taken then reach to where the run's second card starts, the next place a table may start,
    so that no table is read from the middle of a card.
    """
    cards = _split_cards(_cells_from(stream, start, body, tuning))
    kept = list(cards)
    while len(kept) >= tuning.min_cards and not _repeats_captions(kept, tuning):
        kept.pop()
    if len(kept) >= tuning.min_cards:
        return kept, _items(kept)
    return [], max(_items(cards[:1]), 1)


def _items(cards: list[Card]) -> int:
    return sum(1 + len(cell.lines) for card in cards for cell in card)


def _cells_from(stream: list[Item], start: int, body: float, tuning: CardTuning) -> list[_Cell]:
    """Consecutive captions, each with the lines under it, at one left edge."""
    cells: list[_Cell] = []
    prev: Line | None = None
    for item in stream[start:]:
        if not isinstance(item, Line):
            break
        if _is_caption(item, body, tuning):
            if prev is not None and not _caption_goes_on(cells, prev, item, body, tuning):
                break
            cells.append(_Cell(item))
        elif prev is None or not _cell_goes_on(cells[-1], prev, item, tuning):
            break
        else:
            cells[-1].lines.append(item)
        prev = item
    if cells and not cells[-1].lines:
        cells.pop()
    return cells


def _caption_goes_on(
    cells: list[_Cell], prev: Line, line: Line, body: float, tuning: CardTuning
) -> bool:
    """A caption continues the run at the run's left edge, once the caption before it has
    text under it: below that text, or at the top of the next page (a card continued over
    the page break)."""
    if not cells[-1].lines or abs(line.x0 - cells[0].caption.x0) > tuning.align_pt:
        return False
    if line.page == prev.page:
        return -1.0 <= line.y0 - prev.y1 <= tuning.card_gap_em * max(body, 1.0)
    return line.page == prev.page + 1


def _cell_goes_on(cell: _Cell, prev: Line, line: Line, tuning: CardTuning) -> bool:
    """A line belongs to the cell above it: right below it and not left of its caption, or at
    the top of the next page while the cell's text is not finished."""
    if line.x0 < cell.caption.x0 - tuning.align_pt:
        return False
    if line.page == prev.page:
        gap = line.y0 - prev.y1
        return -1.0 <= gap <= tuning.cell_gap_em * max(line.size, prev.size, 1.0)
    if line.page != prev.page + 1 or abs(line.x0 - cell.caption.x0) > tuning.align_pt:
        return False
    if not cell.lines:
        return True
    first = line.text.lstrip("\"'‘“(")[:1]
    return first.islower() or unfinished(cell.lines[-1].text)


def _split_cards(cells: list[_Cell]) -> list[Card]:
    """A new card starts where a caption comes back."""
    cards: list[Card] = []
    for cell in cells:
        if not cards or any(c.key == cell.key for c in cards[-1]):
            cards.append([cell])
        else:
            cards[-1].append(cell)
    return cards


def _header(cards: list[Card]) -> list[str]:
    return [cell.key for cell in max(cards, key=len)]


def _repeats_captions(cards: list[Card], tuning: CardTuning) -> bool:
    """Every card shows the table's captions in the same order, leaving out at most some;
    enough cards show enough of them to tell the table's columns from one labelled value."""
    header = _header(cards)
    if len(header) < tuning.min_captions:
        return False
    if sum(1 for card in cards if len(card) >= tuning.min_captions) < tuning.min_cards:
        return False
    for card in cards:
        rest = iter(header)
        if not all(cell.key in rest for cell in card):
            return False
    return True


def _cell_text(cell: _Cell) -> str:
    text = ""
    for line in cell.lines:
        text = join_text(text, line.text)
    return clean_text(text)


def _to_draft(cards: list[Card], frames: dict[int, list[BBox]], tuning: CardTuning) -> TableDraft:
    header = _header(cards)
    rows = [list(header)]
    for card in cards:
        texts = {cell.key: _cell_text(cell) for cell in card}
        rows.append([texts.get(key, "") for key in header])
    lines = [ln for card in cards for cell in card for ln in (cell.caption, *cell.lines)]
    page = lines[0].page
    return TableDraft(
        page=page,
        bbox=union([ln.bbox for ln in lines if ln.page == page]),
        rows=rows,
        bold_rows=[True] + [False] * len(cards),
        col_edges=[],
        ruled=_framed(cards, frames, tuning),
        header_rows=1,
        pages=sorted({ln.page for ln in lines}),
        stacked=True,
    )


def _card_boxes(card: Card) -> dict[int, BBox]:
    """The box of the card's text on each page it is printed on."""
    by_page: dict[int, list[BBox]] = {}
    for cell in card:
        for line in (cell.caption, *cell.lines):
            by_page.setdefault(line.page, []).append(line.bbox)
    return {page: union(boxes) for page, boxes in by_page.items()}


def _framed(cards: list[Card], frames: dict[int, list[BBox]], tuning: CardTuning) -> bool:
    """Whether each card, on every page it is printed on, has a drawn frame of its own."""
    boxes = [_card_boxes(card) for card in cards]
    for index, own in enumerate(boxes):
        for page, box in own.items():
            others = [b[page] for i, b in enumerate(boxes) if i != index and page in b]
            if not any(
                _encloses(frame, box, tuning)
                and not any(_overlaps(frame, other, tuning) for other in others)
                for frame in frames.get(page, [])
            ):
                return False
    return True


def _encloses(frame: BBox, box: BBox, tuning: CardTuning) -> bool:
    pad = tuning.frame_pad_pt
    fx0, fy0, fx1, fy1 = frame
    x0, y0, x1, y1 = box
    return fx0 - pad <= x0 and fy0 - pad <= y0 and x1 <= fx1 + pad and y1 <= fy1 + pad


def _overlaps(frame: BBox, box: BBox, tuning: CardTuning) -> bool:
    pad = tuning.frame_pad_pt
    fx0, fy0, fx1, fy1 = frame
    x0, y0, x1, y1 = box
    return overlap_1d(fx0, fx1, x0, x1) > pad and overlap_1d(fy0, fy1, y0, y1) > pad
