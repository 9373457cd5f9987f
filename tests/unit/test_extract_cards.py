"""Text tables printed as stacked cards read back as tables."""

from __future__ import annotations

import pymupdf

from services.extract.core import extract
from shared.documents import ExtractedDocument
from tests.unit.pdf_fixtures import build_pdf

_BODY = 9.0
_CAPTION = 7.0
_X = 69.0
_INTRO = "Wat doen we daarvoor?"
_OUTRO = "Resultaat: de activiteiten liggen grotendeels op schema."
_CARDS = [
    {
        "Activiteit": ["Inzet praktijkondersteuners jeugd bij alle huisartsen"],
        "Status": ["Gereed"],
        "Toelichting": [
            "Sinds april zijn alle zes huisartsenpraktijken aangesloten en de",
            "laatste twee praktijken zijn later gestart dan gepland.",
        ],
    },
    {
        "Activiteit": ["Opstellen lokaal plan van aanpak jeugdhulp met verblijf"],
        "Status": ["Loopt"],
        "Toelichting": ["Het college heeft het plan van aanpak in mei vastgesteld."],
    },
]
_HEADER = ["Activiteit", "Status", "Toelichting"]
_ROWS = [
    [
        "Inzet praktijkondersteuners jeugd bij alle huisartsen",
        "Gereed",
        "Sinds april zijn alle zes huisartsenpraktijken aangesloten en de laatste twee "
        "praktijken zijn later gestart dan gepland.",
    ],
    [
        "Opstellen lokaal plan van aanpak jeugdhulp met verblijf",
        "Loopt",
        "Het college heeft het plan van aanpak in mei vastgesteld.",
    ],
]

Card = dict[str, list[str]]


def _card(page: pymupdf.Page, card: Card, top: float, framed: bool) -> float:
    """Print one card from `top` (a frame around it when `framed`); returns where it ends."""
    y = top + 14.0
    for caption, lines in card.items():
        page.insert_text((_X, y), caption, fontsize=_CAPTION, fontname="hebo")
        y += 12.0
        for text in lines:
            page.insert_text((_X, y), text, fontsize=_BODY)
            y += 13.5
        y += 4.0
    bottom = y
    if framed:
        page.draw_rect(pymupdf.Rect(57, top, 539, bottom), color=(0.8, 0.8, 0.8), width=0.75)
    return bottom


def _cards_page(cards: list[Card], framed: bool = True) -> bytes:
    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=595, height=842)
        page.insert_text((57, 100), _INTRO, fontsize=9.5, fontname="hebo")
        y = 112.0
        for card in cards:
            y = _card(page, card, y, framed) + 8.0
        page.insert_text((57, y + 14.0), _OUTRO, fontsize=_BODY)

    return build_pdf(build)


def _only_table(doc: ExtractedDocument) -> list[list[str]]:
    assert len(doc.tables) == 1
    return doc.tables[0].rows


def test_two_cards_become_one_table_with_a_header_row() -> None:
    doc = extract(_cards_page(_CARDS), "cards")
    assert _only_table(doc) == [_HEADER, *_ROWS]
    table = doc.tables[0]
    assert table.header_rows == 1
    assert table.ruled
    assert (table.page, table.pages) == (1, [1])
    assert table.caption == _INTRO
    assert [b.text for b in doc.blocks] == [_INTRO, _OUTRO]
    intro, outro = doc.blocks
    assert intro.seq < table.seq < outro.seq
    assert intro.bbox[3] <= table.bbox[1] < table.bbox[3] <= outro.bbox[1]


def test_cards_without_frames_are_an_unruled_table() -> None:
    doc = extract(_cards_page(_CARDS, framed=False), "bare")
    assert _only_table(doc) == [_HEADER, *_ROWS]
    assert not doc.tables[0].ruled


def test_a_caption_left_out_of_a_card_leaves_its_cell_empty() -> None:
    second = {key: lines for key, lines in _CARDS[1].items() if key != "Status"}
    doc = extract(_cards_page([_CARDS[0], second]), "gap")
    assert _only_table(doc) == [_HEADER, _ROWS[0], [_ROWS[1][0], "", _ROWS[1][2]]]


def test_a_single_card_stays_text() -> None:
    doc = extract(_cards_page(_CARDS[:1]), "single")
    assert not doc.tables
    assert "Activiteit" in [b.text for b in doc.blocks]


def test_cards_with_captions_in_another_order_stay_text() -> None:
    swapped = {key: _CARDS[1][key] for key in ("Status", "Activiteit", "Toelichting")}
    doc = extract(_cards_page([_CARDS[0], swapped]), "order")
    assert not doc.tables


def test_a_card_continued_over_a_page_break_stays_one_row() -> None:
    def build(doc: pymupdf.Document) -> None:
        first = doc.new_page(width=595, height=842)
        first.insert_text((57, 640), _INTRO, fontsize=9.5, fontname="hebo")
        end = _card(first, _CARDS[0], 652.0, framed=True)
        head = {key: _CARDS[1][key] for key in ("Activiteit", "Status")}
        _card(first, head, end + 8.0, framed=True)
        second = doc.new_page(width=595, height=842)
        end = _card(second, {"Toelichting": _CARDS[1]["Toelichting"]}, 48.0, framed=True)
        second.insert_text((57, end + 22.0), _OUTRO, fontsize=_BODY)

    doc = extract(build_pdf(build), "break")
    assert _only_table(doc) == [_HEADER, *_ROWS]
    assert doc.tables[0].pages == [1, 2]
    assert [b.text for b in doc.blocks] == [_INTRO, _OUTRO]


def test_cell_text_continued_over_a_page_break_stays_one_cell() -> None:
    first_half, second_half = _CARDS[0]["Toelichting"]

    def build(doc: pymupdf.Document) -> None:
        first = doc.new_page(width=595, height=842)
        first.insert_text((57, 640), _INTRO, fontsize=9.5, fontname="hebo")
        head = {**_CARDS[0], "Toelichting": [first_half]}
        _card(first, head, 652.0, framed=True)
        second = doc.new_page(width=595, height=842)
        top = 48.0
        second.insert_text((_X, top + 14.0), second_half, fontsize=_BODY)
        second.draw_rect(pymupdf.Rect(57, top, 539, top + 22.0), color=(0.8, 0.8, 0.8))
        end = _card(second, _CARDS[1], top + 30.0, framed=True)
        second.insert_text((57, end + 22.0), _OUTRO, fontsize=_BODY)

    doc = extract(build_pdf(build), "cell")
    assert _only_table(doc) == [_HEADER, *_ROWS]
    assert doc.tables[0].pages == [1, 2]
    assert doc.tables[0].ruled
