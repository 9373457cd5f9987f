"""Extraction core on small generated PDFs and on the development corpus."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from services.extract.core import extract
from services.extract.errors import (
    CorruptDocument,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    NotAPdf,
    TooManyPages,
)
from services.extract.limits import ExtractLimits
from services.extract.text import join_text, split_marker
from tests.unit.pdf_fixtures import build_pdf

CORPUS = Path(__file__).parents[2] / ".." / "shared" / "corpus"
DEV = CORPUS / "dev"


def _two_pages(doc: pymupdf.Document) -> None:
    for n in (1, 2):
        page = doc.new_page(width=595, height=842)
        page.insert_text((60, 40), "Gemeente Voorbeeld - Jaarverslag", fontsize=8)
        page.insert_text((280, 815), f"pagina {n} van 2", fontsize=8)
        if n == 1:
            page.insert_text((60, 100), "Inleiding", fontsize=14, fontname="hebo")
            y = 130
            for text in (
                "Dit is de eerste regel van een alinea die over meerdere",
                "regels loopt en met een afgebroken woord eindigt: voorzie-",
                "ningen worden hier weer aan elkaar gezet.",
            ):
                page.insert_text((60, y), text, fontsize=10)
                y += 13
            page.insert_text((60, 200), "• Eerste punt van de lijst", fontsize=10)
            page.insert_text((60, 214), "• Tweede punt van de lijst", fontsize=10)
            y = 700
            for text in (
                "Deze alinea begint onderaan de eerste pagina en loopt door",
                "op de volgende pagina, midden in een zin, zodat de",
            ):
                page.insert_text((60, y), text, fontsize=10)
                y += 13
        else:
            page.insert_text((60, 100), "lezer één alinea ziet.", fontsize=10)


def test_text_blocks_headers_hyphens_lists_and_page_continuation() -> None:
    doc = extract(build_pdf(_two_pages), "doc-1", "x.pdf")
    texts = [b.text for b in doc.blocks]
    assert doc.page_count == 2
    assert not any(t.startswith("pagina") or "Gemeente Voorbeeld" in t for t in texts)
    assert any("voorzieningen worden hier" in t for t in texts)
    items = [b for b in doc.blocks if b.kind == "list_item"]
    assert [b.text for b in items] == ["Eerste punt van de lijst", "Tweede punt van de lijst"]
    joined = [t for t in texts if t.startswith("Deze alinea begint")]
    assert joined and joined[0].endswith("zodat de lezer één alinea ziet.")
    assert [b.seq for b in doc.blocks] == sorted(b.seq for b in doc.blocks)
    heading = next(b for b in doc.blocks if b.text == "Inleiding")
    assert heading.bold and heading.size == pytest.approx(14, abs=0.5)
    assert heading.font


_PROSE = (
    "De gemeente heeft in het afgelopen jaar veel geinvesteerd in de openbare ruimte en de "
    "bereikbaarheid van de kernen. Daarbij is nauw samengewerkt met bewoners, ondernemers en "
    "maatschappelijke partners, en de uitvoering verliep volgens de planning."
)


def _justify(page: pymupdf.Page, x: float, width: float, text: str) -> None:
    """`text` set justified in a column `width` wide, one word at a time, as Word writes it."""
    font, size = pymupdf.Font("helv"), 10
    lines: list[list[str]] = [[]]
    for word in text.split():
        if lines[-1] and font.text_length(" ".join([*lines[-1], word]), size) > width:
            lines.append([])
        lines[-1].append(word)
    for row, words in enumerate(lines):
        ink = sum(font.text_length(w, size) for w in words)
        last = row == len(lines) - 1
        space = font.text_length(" ", size) if last else (width - ink) / max(len(words) - 1, 1)
        left = x
        for word in words:
            page.insert_text((left, 120 + 13 * row), word, fontsize=size)
            left += font.text_length(word, size) + space


def test_a_justified_narrow_column_keeps_its_stretched_lines_whole() -> None:
    def build(doc: pymupdf.Document) -> None:
        _justify(doc.new_page(width=595, height=842), 60, 160, _PROSE)

    texts = [b.text for b in extract(build_pdf(build), "doc-1", "x.pdf").blocks]
    assert texts == [_PROSE]


def test_justified_columns_stay_apart_at_their_gutter() -> None:
    other = "Rechts staat een andere tekst over de zorg en de jeugd, " * 4

    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=595, height=842)
        _justify(page, 60, 200, _PROSE)
        _justify(page, 274, 200, other)

    # rows joined over the gutter would interleave the two texts
    text = " ".join(b.text for b in extract(build_pdf(build), "doc-1", "x.pdf").blocks)
    assert _PROSE in text and other.strip() in text


def _ligatures(doc: pymupdf.Document) -> None:
    page = doc.new_page(width=595, height=842)
    writer = pymupdf.TextWriter(page.rect)
    text = "De \ufb01nanci\u00eble e\ufb00ecten van de \ufb02exibele inzet zijn o\ufb03cieel."
    # a built-in font that has the ligature glyphs, which the base 14 fonts lack
    writer.append((60, 100), text, font=pymupdf.Font("cjk"), fontsize=10)
    writer.write_text(page)


def test_ligature_glyphs_come_out_as_their_letters() -> None:
    data = build_pdf(_ligatures)
    page = pymupdf.open(stream=data)[0]
    assert "\ufb01" in page.get_text(flags=pymupdf.TEXT_PRESERVE_LIGATURES)
    texts = [b.text for b in extract(data, "doc-1", "x.pdf").blocks]
    assert texts == ["De financi\u00eble effecten van de flexibele inzet zijn officieel."]


def _two_columns(doc: pymupdf.Document) -> None:
    page = doc.new_page(width=595, height=842)
    left = ["Links begint de tekst en", "loopt door in de linker", "kolom tot onderaan en dan"]
    right = ["verder in de rechter kolom.", "", "Een nieuwe alinea rechts."]
    for i, text in enumerate(left):
        page.insert_text((60, 100 + 14 * i), text, fontsize=10)
    for i, text in enumerate(right):
        if text:
            page.insert_text((320, 100 + 14 * i), text, fontsize=10)


def test_two_columns_are_read_column_by_column() -> None:
    doc = extract(build_pdf(_two_columns), "doc-2")
    texts = [b.text for b in doc.blocks]
    assert texts[0].startswith("Links begint") and texts[0].endswith("rechter kolom.")
    assert texts[1] == "Een nieuwe alinea rechts."


def _heading_over_columns(doc: pymupdf.Document) -> None:
    """A heading a little wider than the left column, close above two columns."""
    page = doc.new_page(width=595, height=842)
    heading = "Gemeentefonds en het ravijnjaar in de komende jaren"
    width = pymupdf.get_text_length(heading, fontname="hebo", fontsize=13)
    assert 60 + width > 320  # it reaches past where the right column starts
    page.insert_text((60, 100), heading, fontsize=13, fontname="hebo")
    left = ["De algemene uitkering is de", "grootste bron van inkomsten", "van de gemeente."]
    right = ["Het kabinet heeft middelen", "toegezegd voor de jeugdzorg", "in de komende jaren."]
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        page.insert_text((60, 116 + 14 * i), a, fontsize=10)
        page.insert_text((320, 116 + 14 * i), b, fontsize=10)


def test_heading_reaching_into_the_gutter_keeps_columns_apart() -> None:
    doc = extract(build_pdf(_heading_over_columns), "doc-heading-columns")
    assert [b.text for b in doc.blocks] == [
        "Gemeentefonds en het ravijnjaar in de komende jaren",
        "De algemene uitkering is de grootste bron van inkomsten van de gemeente.",
        "Het kabinet heeft middelen toegezegd voor de jeugdzorg in de komende jaren.",
    ]


def _ruled_table(doc: pymupdf.Document) -> None:
    page = doc.new_page(width=595, height=842)
    page.insert_text((60, 90), "Bedragen x 1.000 euro", fontsize=9)
    xs = [60, 260, 360, 460]
    ys = [100, 120, 140, 160]
    for x in xs:
        page.draw_line((x, ys[0]), (x, ys[-1]), width=0.5)
    for y in ys:
        page.draw_line((xs[0], y), (xs[-1], y), width=0.5)
    rows = [
        ["Taakveld", "Lasten", "Baten"],
        ["6.3 Inkomen", "-10.382", "7.411"],
        ["Totaal", "(1.234)", "0"],
    ]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            page.insert_text((xs[c] + 4, ys[r] + 14), text, fontsize=9)


def test_ruled_table_cells_header_and_caption() -> None:
    doc = extract(build_pdf(_ruled_table), "doc-3")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.rows == [
        ["Taakveld", "Lasten", "Baten"],
        ["6.3 Inkomen", "-10.382", "7.411"],
        ["Totaal", "(1.234)", "0"],
    ]
    assert table.header_rows == 1
    assert table.caption == "Bedragen x 1.000 euro"
    assert not any("10.382" in b.text for b in doc.blocks)
    caption = next(b for b in doc.blocks if b.text == table.caption)
    assert caption.seq < table.seq


def _right_aligned_rows(page: pymupdf.Page, rows: list[list[str]], right: list[float]) -> None:
    """Rows without rules: the label at the left margin, each figure right-aligned at its
    column's edge."""
    for r, row in enumerate(rows):
        y = 100 + 14 * r
        page.insert_text((60, y), row[0], fontsize=9)
        for c, text in enumerate(row[1:]):
            width = pymupdf.get_text_length(text, fontsize=9)
            page.insert_text((right[c] - width, y), text, fontsize=9)


def _whitespace_table(doc: pymupdf.Document) -> None:
    header = ["Taakveld", "Lasten", "Baten", "Saldo"]
    body = [
        ["630 - Inkomensregelingen", "(10.382)", "7.411", "(2.971)"],
        ["640 - Begeleide participatie", "(2.806)", "0", "(2.806)"],
        ["Totaal", "(13.188)", "7.411", "(5.777)"],
    ]
    _right_aligned_rows(doc.new_page(width=842, height=595), [header, *body], [400, 500, 600])


def test_whitespace_table_on_landscape_page() -> None:
    doc = extract(build_pdf(_whitespace_table), "doc-4")
    assert doc.pages[0].landscape
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert not table.ruled
    assert table.rows[1] == ["630 - Inkomensregelingen", "(10.382)", "7.411", "(2.971)"]
    assert table.header_rows == 1


def _tight_amounts_table(doc: pymupdf.Document) -> None:
    """Amounts right-aligned 42 pt apart, so a wide one in parentheses leaves a gap of a few
    points to the next; an amount spaced for its thousands ("1 250") stays one."""
    rows = [
        ["Taakveld", "2026", "2027", "2028"],
        ["Totaal baten", "22.142", "23.650", "25.917"],
        ["Saldo van baten en lasten", "(172.648)", "(179.302)", "(187.335)"],
        ["Overige baten", "1 250", "1 300", "1 350"],
    ]
    _right_aligned_rows(doc.new_page(), rows, [300, 342, 384])


def test_amounts_set_closer_than_columns_keep_their_columns() -> None:
    [table] = extract(build_pdf(_tight_amounts_table), "doc-5").tables
    assert table.rows[1:] == [
        ["Totaal baten", "22.142", "23.650", "25.917"],
        ["Saldo van baten en lasten", "(172.648)", "(179.302)", "(187.335)"],
        ["Overige baten", "1 250", "1 300", "1 350"],
    ]


def test_join_text_rejoins_hyphenated_words_but_keeps_elisions() -> None:
    assert join_text("voorzie-", "ningen") == "voorzieningen"
    assert join_text("Jeugd-", "en Wmo") == "Jeugd- en Wmo"
    assert join_text("eerste", "Tweede") == "eerste Tweede"


def test_join_text_keeps_the_dash_of_a_wrapped_range() -> None:
    assert join_text("actieplan 2023-", "2024") == "actieplan 2023-2024"


def test_split_marker() -> None:
    assert split_marker("• Punt") == ("•", "Punt")
    assert split_marker("2. Tweede") == ("2.", "Tweede")
    assert split_marker("2019 was een jaar") == ("", "2019 was een jaar")


@pytest.mark.parametrize("bullet", ["\uf0b7", "\uf0a7", "\uf0d8", "\uf0fc", "➢", "✓"])
def test_word_symbol_and_wingdings_bullets_mark_list_items(bullet: str) -> None:
    assert split_marker(f"{bullet}\tEerste punt") == (bullet, "Eerste punt")


def test_typed_errors_before_parsing() -> None:
    with pytest.raises(EmptyDocument):
        extract(b"", "e")
    with pytest.raises(NotAPdf) as info:
        extract(b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "p")
    assert info.value.detected_type == "PNG" and info.value.reason == "not_pdf"
    with pytest.raises(NotAPdf):
        extract(b"<!DOCTYPE html><html></html>", "h")
    with pytest.raises(DocumentTooLarge):
        extract(b"%PDF-1.7\n" + b"0" * 100, "big", limits=ExtractLimits(max_bytes=50))
    with pytest.raises(CorruptDocument):
        extract(b"%PDF-1.7\ngarbage", "c")


def test_page_limit_and_encryption() -> None:
    def pages(doc: pymupdf.Document) -> None:
        for _ in range(5):
            doc.new_page()

    with pytest.raises(TooManyPages):
        extract(build_pdf(pages), "t", limits=ExtractLimits(max_pages=3))
    doc = pymupdf.open()
    doc.new_page().insert_text((50, 50), "geheim")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    with pytest.raises(EncryptedDocument):
        extract(data, "enc")


@pytest.mark.skipif(not DEV.is_dir(), reason="corpus not present")
@pytest.mark.parametrize("style", ["A", "B"])
def test_corpus_documents_keep_truth_tables(style: str) -> None:
    pdf = DEV / f"pijnacker-nootdorp-najaarsnota-2022-{style}.pdf"
    doc = extract(pdf.read_bytes(), pdf.stem, pdf.name)
    rows = [row for t in doc.tables for row in t.rows]
    inkomen = [r for r in rows if r and r[0] == "630 - Inkomensregelingen"]
    assert inkomen
    printed = {"A": "-10.382", "B": "(10.382)"}[style]
    assert printed in inkomen[0]
    wide = max(doc.tables, key=lambda t: len(t.rows[0]))
    assert wide.header_rows >= 2 and wide.section_rows
    texts = [b.text for b in doc.blocks]
    assert not any(t.startswith("pagina ") for t in texts)
    seqs = sorted([b.seq for b in doc.blocks] + [t.seq for t in doc.tables])
    assert seqs == list(range(len(seqs)))
