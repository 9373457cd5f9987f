"""List items marked by drawn shapes, paragraph ends at page breaks and captions at page tops."""

from __future__ import annotations

from collections.abc import Callable

import pymupdf

from services.extract.core import extract
from services.extract.furniture import find_furniture
from services.extract.layout import Line, Span
from services.extract.tuning import DEFAULT
from tests.unit.pdf_fixtures import build_pdf

_SIZE = 9.0
_INTRO = "De gemeente wilde in dit jaar het volgende bereiken:"
_ITEMS = [
    (
        "inwoners zonder toereikend inkomen konden rekenen op een vangnet en op",
        "ondersteuning bij het vinden van betaald werk;",
    ),
    ("minder huishoudens leefden in armoede;",),
    ("meer inwoners werkten naar vermogen.",),
]
_OUTRO = "Daarna volgt een gewone alinea die niet bij de lijst hoort."


def _list_page(marker: Callable[[pymupdf.Page, float, float], None]) -> bytes:
    """A paragraph, a list whose markers `marker` draws at (x, y of the x-height middle), and a
    closing paragraph; the text layer holds no marker characters."""

    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=595, height=842)
        page.insert_text((57, 100), _INTRO, fontsize=_SIZE)
        y = 120.0
        for item in _ITEMS:
            marker(page, 65.3, y - 0.27 * _SIZE)
            for text in item:
                page.insert_text((74, y), text, fontsize=_SIZE)
                y += 13.5
            y += 2.0
        page.insert_text((57, y + 8), _OUTRO, fontsize=_SIZE)

    return build_pdf(build)


def _disc(page: pymupdf.Page, x: float, y: float) -> None:
    page.draw_circle((x, y), 1.5, color=None, fill=(0.7, 0.26, 0.06))


def _square(page: pymupdf.Page, x: float, y: float) -> None:
    page.draw_rect(pymupdf.Rect(x - 1.5, y - 1.5, x + 1.5, y + 1.5), color=None, fill=(0, 0, 0))


def _icon(page: pymupdf.Page, x: float, y: float) -> None:
    """A filled circle three times the marker size: an icon, not a list marker."""
    page.draw_circle((x - 3, y), 4.5, color=None, fill=(0, 0, 0))


def _on_baseline(page: pymupdf.Page, x: float, y: float) -> None:
    """A dot well below the middle of the lowercase letters, like an underline ornament."""
    page.draw_circle((x, y + 0.5 * _SIZE), 1.5, color=None, fill=(0, 0, 0))


def _expected_items() -> list[str]:
    return [" ".join(item) for item in _ITEMS]


def test_drawn_discs_split_a_list_into_items() -> None:
    blocks = extract(_list_page(_disc), "discs").blocks
    items = [b.text for b in blocks if b.kind == "list_item"]
    assert items == _expected_items()
    texts = [b.text for b in blocks if b.kind == "text"]
    assert texts == [_INTRO, _OUTRO]


def test_drawn_squares_are_markers_too() -> None:
    blocks = extract(_list_page(_square), "squares").blocks
    assert [b.text for b in blocks if b.kind == "list_item"] == _expected_items()


def test_shapes_of_the_wrong_size_or_place_are_no_markers() -> None:
    for marker in (_icon, _on_baseline):
        blocks = extract(_list_page(marker), marker.__name__).blocks
        assert not [b for b in blocks if b.kind == "list_item"], marker.__name__


def test_a_typed_bullet_is_not_doubled_by_a_drawn_one() -> None:
    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=595, height=842)
        _disc(page, 65.3, 120 - 0.27 * _SIZE)
        page.insert_text((74, 120), "• eerste punt van de lijst", fontsize=_SIZE)

    blocks = extract(build_pdf(build), "typed").blocks
    assert [(b.kind, b.text) for b in blocks] == [("list_item", "eerste punt van de lijst")]


def _signature_then_appendix(doc: pymupdf.Document) -> None:
    first = doc.new_page(width=595, height=842)
    first.insert_text((57, 100), "Een alinea bovenaan de pagina.", fontsize=_SIZE)
    first.insert_text(
        (57, 760),
        "Het college van burgemeester en wethouders, de secretaris, mr. H.J. Brinkman, de",
        fontsize=_SIZE,
    )
    first.insert_text((57, 773.5), "burgemeester, drs. A.C. de Vries", fontsize=_SIZE)
    second = doc.new_page(width=595, height=842)
    second.insert_text((57, 66), "Bijlage: overzicht van de kerncijfers", fontsize=_SIZE)


def test_a_short_last_line_ends_the_paragraph_at_a_page_break() -> None:
    texts = [b.text for b in extract(build_pdf(_signature_then_appendix), "sig").blocks]
    assert texts[-2].endswith("drs. A.C. de Vries")
    assert texts[-1] == "Bijlage: overzicht van de kerncijfers"


def _line(text: str, y0: float, size: float = _SIZE, x0: float = 69.0) -> Line:
    y1 = y0 + 1.17 * size
    span = Span(text, "DejaVuSans", size, bbox=(x0, y0, x0 + 300, y1))
    return Line(x0, y0, x0 + 300, y1, [span])


def test_a_caption_that_runs_into_text_at_the_page_top_is_kept() -> None:
    caption = "Toelichting"
    pages: list[list[Line]] = []
    for number in range(1, 5):
        lines = [_line(f"Pagina {number}", 810, 7.5), _line("Kadernota 2025", 40, 7.5)]
        lines.append(_line(caption, 400, 7.0))
        lines.append(_line("Een toelichting midden op de pagina.", 412))
        if number in (2, 3):
            lines.append(_line(caption, 58, 7.0))
            rest = "de wijkteams" if number == 2 else "het preventieakkoord"
            lines.append(_line(f"Het vervolg over {rest} van de vorige pagina.", 69.6))
        pages.append(lines)
    dropped = find_furniture(pages, [842.0] * len(pages), DEFAULT.furniture)
    texts = {line.text for lines in pages for line in lines if id(line) in dropped.lines}
    assert texts == {"Pagina 1", "Pagina 2", "Pagina 3", "Pagina 4", "Kadernota 2025"}


def test_a_list_item_continued_in_the_next_column_keeps_its_wrapped_lines() -> None:
    """An item at the foot of the right column goes on at the top of the left column of the
    next page; every line there belongs to it, though they sit left of its first line."""
    tail = ["baan en begonnen er 85 aan", "vrijwilligerswerk of een leerwerktraject;"]

    def build(doc: pymupdf.Document) -> None:
        filler = "Een gewone regel lopende tekst in de kolom die de pagina vult."
        first = doc.new_page(width=595, height=842)
        for row in range(40):
            first.insert_text((57, 100 + row * 15), filler[:40], fontsize=_SIZE)
            first.insert_text((320, 100 + row * 15), filler[:40], fontsize=_SIZE)
        first.insert_text((320, 715), "• van de 420 inwoners vonden er 37 een", fontsize=_SIZE)
        second = doc.new_page(width=595, height=842)
        for row, text in enumerate(tail):
            second.insert_text((57, 100 + row * 15), text, fontsize=_SIZE)
        next_item = "• 132 inwoners werkten met loonkostensubsidie;"
        second.insert_text((57, 145), next_item, fontsize=_SIZE)

    doc = extract(build_pdf(build), "c" * 64, "columns.pdf")
    items = [b.text for b in doc.blocks if b.kind == "list_item"]
    assert items[0].endswith("vrijwilligerswerk of een leerwerktraject;")
    assert items[0].startswith("van de 420 inwoners")
    assert items[1].startswith("132 inwoners")
