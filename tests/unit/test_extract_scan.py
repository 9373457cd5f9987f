"""Scan clean-up and the digits-only reading of amount columns, on small generated images."""

from __future__ import annotations

import shutil

import numpy as np
import pymupdf
import pytest

from services.extract.binarize import clean_ink, ink_threshold
from services.extract.bullets import bullet_before
from services.extract.digits import parse_tsv, read_cells
from services.extract.grid import Grid, find_grids
from services.extract.layout import Line, Span, Word
from services.extract.paragraphs import build_blocks
from services.extract.scan_cells import (
    amount_columns,
    cells_to_reread,
    clean_word,
    data_rows,
    drop_strays,
    repair_numeric_columns,
    title_cells,
    with_readings,
)
from services.extract.scan_image import ruled_cells
from services.extract.tables import fill_grid
from services.extract.text import merge_same_baseline, ocr_bullet, ocr_bullet_spans, split_marker
from services.extract.tuning import DEFAULT

GRIDS = DEFAULT.grids
CELLS = DEFAULT.scan_cells


def test_rule_pieces_at_wandering_positions_join_into_one_border() -> None:
    hs = [(10.0, 10.0, 200.0), (60.0, 10.0, 200.0), (110.0, 10.0, 200.0)]
    # a scanned right border read as pieces one pixel apart, listed out of order
    vs = [(10.0, 10.0, 110.0), (199.4, 10.0, 30.0), (200.3, 10.0, 110.0), (105.0, 10.0, 110.0)]
    (grid,) = find_grids(hs, vs, GRIDS)
    assert grid.has_vertical(grid.xs[-1], 10.0, 110.0)


def test_specks_and_shading_go_full_stops_stay() -> None:
    gray = np.full((200, 200), 245, dtype=np.uint8)
    gray[20:60, 20:180] = 215  # light cell shading
    gray[100, 100] = 60  # a one-pixel speck
    gray[30:34, 30:34] = 40  # a full stop at 300 dpi
    gray[150:190, 50:56] = 30  # a stroke
    ink = clean_ink(gray, 300, DEFAULT.ocr.speck_pt, DEFAULT.ocr)
    assert not ink[100, 100]
    assert ink[31, 31]
    assert ink[170, 52]
    assert not ink[50, 100]


def test_threshold_stays_in_band_for_an_empty_page() -> None:
    level = ink_threshold(np.full((50, 50), 250, dtype=np.uint8), DEFAULT.ocr)
    assert DEFAULT.ocr.min_ink_level <= level <= DEFAULT.ocr.max_ink_level


def test_tesseract_tsv_words_are_parsed() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t12\t8\t30\t10\t91.5\t-7.411\n"
    )
    assert parse_tsv(tsv) == [(12, 8, 30, 10, "-7.411")]


def test_amount_columns_skip_labels_titles_and_text() -> None:
    texts = {
        (0, 0): "Taakveld",
        (0, 1): "Lasten 2019",
        (0, 2): "Baten 2019",
        (0, 3): "Toelichting",
        (1, 0): "630 - Inkomensregelingen",
        (1, 1): "-10.382",
        (1, 2): "7.411",
        (1, 3): "lagere lasten",
        (2, 0): "640 - Begeleide participatie",
        (2, 1): "Û",
        (2, 2): "B5",
        (2, 3): "hogere baten",
        (3, 0): "650 - Arbeidsparticipatie",
        (3, 1): "0",
        (3, 2): "85",
        (3, 3): "geen",
    }
    rows = data_rows(texts, 4, CELLS)
    assert rows == {1, 3}
    assert amount_columns(texts, rows, CELLS) == [1, 2]


def _gray_300dpi(page: pymupdf.Page) -> np.ndarray:
    """The page as a scanner would deliver it: grey levels at 300 dpi."""
    pix = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width).copy()


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract missing")
def test_cells_are_read_again_with_their_signs_and_dots_in_one_call() -> None:
    doc = pymupdf.open()
    crops = []
    for text in ("-10.382", "7.411", "1"):
        page = doc.new_page(width=60, height=16)
        page.insert_text((60 - 5.2 * len(text) - 4, 12), text, fontsize=9)
        crops.append(_gray_300dpi(page))
    assert read_cells(crops, 300, "nld", DEFAULT) == ["-10.382", "7.411", "1"]


@pytest.mark.parametrize(
    ("ocr", "bullet"),
    [("_ Begeleiding naar werk", "Begeleiding naar werk"), ("« _We bereiden", "We bereiden")],
)
def test_bullets_as_ocr_reads_them_are_list_markers(ocr: str, bullet: str) -> None:
    assert split_marker(ocr_bullet(ocr)) == ("•", bullet)


def test_bullet_read_as_a_piece_of_its_own_is_a_marker() -> None:
    spans = [_span("« _"), _span(" We bereiden ons voor")]
    assert [s.text for s in ocr_bullet_spans(spans)] == ["• We bereiden ons voor"]


def _span(text: str) -> Span:
    return Span(text=text, font="f", size=10.0, bbox=(0.0, 0.0, 1.0, 1.0))


def test_ocr_text_is_left_alone_without_a_bullet() -> None:
    assert ocr_bullet("_ 12 dingen") == "_ 12 dingen"
    assert ocr_bullet("Gewone tekst") == "Gewone tekst"


def _piece(x0: float, x1: float, text: str, ocr: bool) -> Line:
    span = Span(text=text, font="f", size=10.0, bbox=(x0, 100.0, x1, 110.0))
    return Line(x0, 100.0, x1, 110.0, [span], ocr=ocr)


def test_justified_ocr_line_cut_at_wide_spaces_is_one_line() -> None:
    pieces = [_piece(50, 80, "een", True), _piece(92, 140, "gemeente", True)]
    assert [ln.text for ln in merge_same_baseline(pieces, DEFAULT.text)] == ["een gemeente"]
    born = [_piece(50, 80, "een", False), _piece(92, 140, "gemeente", False)]
    assert len(merge_same_baseline(born, DEFAULT.text)) == 2


def test_thousands_dots_come_back_where_the_table_prints_them() -> None:
    rows = [
        ["Taakveld", "Lasten 2019", "Baten"],
        ["6.1", "-12593", "4,514"],
        ["6.2", "1.234", "-2.152."],
        ["6.3", "Û", "2019"],
    ]
    repair_numeric_columns(rows, CELLS)
    assert rows[1:] == [
        ["6.1", "-12.593", "4.514"],
        ["6.2", "1.234", "-2.152"],
        ["6.3", "0", "2019"],
    ]


def test_amounts_without_thousands_keep_their_commas() -> None:
    rows = [["Indicator", "Waarde"], ["a", "0,5"], ["b", "12,250"]]
    repair_numeric_columns(rows, CELLS)
    assert rows[1:] == [["a", "0,5"], ["b", "12,250"]]


def _ocr_line(x0: float, x1: float, y0: float, text: str) -> Line:
    span = Span(text=text, font="f", size=10.0, bbox=(x0, y0, x1, y0 + 10.0))
    return Line(x0, y0, x1, y0 + 10.0, [span], page=1, ocr=True)


def test_ocr_heading_at_body_size_stays_apart_from_its_paragraph() -> None:
    lines = [
        _ocr_line(60, 250, 100, "Wat hebben we daarvoor gedaan?"),
        _ocr_line(60, 540, 112, "De samenwerking met onze partners is verder bestendigd en"),
        _ocr_line(60, 300, 124, "breed gedragen."),
        _ocr_line(60, 540, 136, "Ruim de helft van onze klanten heeft de taalmeter gedaan en"),
    ]
    blocks = build_blocks(lines, 10.0, 2.0)
    assert [len(b.lines) for b in blocks] == [1, 2, 1]


def _word(x0: float, x1: float, text: str) -> Word:
    return Word(x0, 100.0, x1, 108.0, text)


def test_a_speck_read_as_a_dash_and_a_sliver_of_rule_read_as_letters_are_dropped() -> None:
    speck = Word(109.9, 674.2, 110.4, 685.6, "_—")
    dash = Word(150.0, 674.2, 154.0, 685.6, "-")
    sliver = Word(224.0, 481.9, 245.4, 483.0, "OO")
    assert not clean_word(speck, CELLS)
    assert not clean_word(sliver, CELLS)
    assert clean_word(dash, CELLS) and dash.text == "-"


def test_specks_read_as_short_words_far_from_a_label_are_dropped() -> None:
    (grid,) = find_grids(
        [(90.0, 10.0, 400.0), (120.0, 10.0, 400.0)],
        [(10.0, 90.0, 120.0), (300.0, 90.0, 120.0), (400.0, 90.0, 120.0)],
        GRIDS,
    )
    words = [
        _word(14, 20, "["),
        _word(40, 60, "6.30.8"),
        _word(63, 70, "-"),
        _word(73, 130, "Participatiewet"),
        _word(250, 262, "Ean"),
        _word(360, 390, "-3.555"),
    ]
    kept = [w.text for w in drop_strays(grid, words, DEFAULT)]
    assert kept == ["6.30.8", "-", "Participatiewet", "-3.555"]


def test_a_dot_at_mid_height_left_of_a_line_is_a_bullet() -> None:
    ink = np.zeros((60, 200), dtype=bool)
    ink[20:40, 60:190] = True  # the line's text, 20 px high
    ink[27:33, 40:46] = True  # a bullet
    assert bullet_before(ink, 60, 20, 40, DEFAULT.bullets)
    ink[27:33, 40:46] = False
    ink[36:40, 40:44] = True  # a full stop on the baseline is no bullet
    assert not bullet_before(ink, 60, 20, 40, DEFAULT.bullets)


def test_ocr_block_does_not_run_into_a_heading_on_the_next_page() -> None:
    last = _ocr_line(60, 250, 780, "Werk en Inkomen/ROZ")
    heading = _ocr_line(60, 180, 70, "Wat hebben we bereikt?")
    heading.page = 2
    wrapped = _ocr_line(60, 300, 70, "en verder met de uitvoering.")
    wrapped.page = 2
    assert len(build_blocks([last, heading], 10.0, 2.0)) == 2
    assert len(build_blocks([last, wrapped], 10.0, 2.0)) == 1


def test_serif_runs_inside_a_cell_are_no_row_rules() -> None:
    hs = [(10.0, 10.0, 300.0), (40.0, 10.0, 300.0), (70.0, 10.0, 300.0), (33.0, 60.0, 99.0)]
    vs = [(10.0, 10.0, 70.0), (100.0, 10.0, 70.0), (300.0, 10.0, 70.0), (200.0, 41.0, 52.0)]
    (grid,) = find_grids(hs, vs, GRIDS)
    assert len(grid.ys) == 4 and len(grid.xs) == 4
    cleaned = ruled_cells(grid, DEFAULT.scan_rules)
    assert cleaned.ys == [10.0, 40.0, 70.0]
    assert cleaned.xs == [10.0, 100.0, 300.0]


def test_amounts_read_as_one_cell_go_back_to_the_empty_cell_beside_them() -> None:
    rows = [
        ["Taakveld", "Begroting", "Realisatie", "Prognose", "Afwijking"],
        ["6.2 Wijkteams", "2.637.900", "1.341.885", "2.702.400 -64.500", ""],
        ["6.5 Arbeidsparticipatie", "1.126.300 471.604", "", "1.048.300 78.000", ""],
        ["6.4 Begeleide participatie", "", "949.230 1.873.500", "1.873.500", "0"],
    ]
    repair_numeric_columns(rows, CELLS)
    assert rows[1:] == [
        ["6.2 Wijkteams", "2.637.900", "1.341.885", "2.702.400", "-64.500"],
        ["6.5 Arbeidsparticipatie", "1.126.300", "471.604", "1.048.300", "78.000"],
        ["6.4 Begeleide participatie", "949.230", "1.873.500", "1.873.500", "0"],
    ]


def test_a_dropped_minus_comes_back_where_the_row_must_add_up() -> None:
    rows = [
        ["Taakveld en oorzaak", "Incidenteel", "Structureel", "Totaal"],
        ["6.72 Maatwerkdienstverlening 18-", "-240.000", "-648.000", "-888.000"],
        ["Jeugdhulp met verblijf", "-110.000", "-402.000", "-512.000"],
        ["Ambulante jeugdhulp", "-130.000", "-186.000", "-316.000"],
        ["6.71 Maatwerkdienstverlening 18+", "86.000", "-388.000", "-474.000"],
        ["6.6 Maatwerkvoorzieningen (Wmo)", "-61.000", "-23.000", "84.000"],
        ["Woningaanpassingen", "-61.000", "", "61.000"],
    ]
    repair_numeric_columns(rows, CELLS)
    assert [row[1:] for row in rows[4:]] == [
        ["-86.000", "-388.000", "-474.000"],
        ["-61.000", "-23.000", "-84.000"],
        ["-61.000", "", "61.000"],
    ]


def test_a_dark_picture_above_a_table_does_not_move_its_rules() -> None:
    # the table: rules at x = 10, 200, 300 between y = 100 and 160
    hs = [(100.0, 10.0, 300.0), (130.0, 10.0, 300.0), (160.0, 10.0, 300.0)]
    vs = [(10.0, 100.0, 160.0), (200.0, 100.0, 160.0), (300.0, 100.0, 160.0)]
    # a filled picture higher up reads as a vertical run in every pixel column from 150 to 210
    picture = [(150.0 + 0.5 * i, 20.0, 80.0) for i in range(121)]
    (grid,) = (g for g in find_grids(hs, [*vs, *picture], GRIDS) if g.bbox[1] == 100.0)
    assert grid.xs == [10.0, 200.0, 300.0]


def test_a_figure_read_into_the_label_goes_back_where_the_column_total_confirms_it() -> None:
    rows = [
        ["Taakveld", "2026", "2027"],
        ["Huishoudelijke hulp (Wmo)", "250", "400"],
        ["Persoonsgebonden budget Wmo 90", "", "90"],
        ["Begeleide participatie", "60", "110"],
        ["Overige afwijkingen kleiner dan € 50.000", "", "5"],
        ["Totaal ombuigingen", "400", "605"],
    ]
    repair_numeric_columns(rows, CELLS)
    assert rows[2] == ["Persoonsgebonden budget Wmo", "90", "90"]
    assert rows[4] == ["Overige afwijkingen kleiner dan € 50.000", "", "5"]


def test_amounts_in_a_cell_a_faded_rule_joined_go_back_to_their_columns() -> None:
    hs = [(10.0, 10.0, 400.0), (30.0, 10.0, 400.0), (50.0, 10.0, 400.0), (70.0, 10.0, 400.0)]
    # the rule at 320 fades out below the header, the one at 120 in the last row
    vs = [(10.0, 10.0, 70.0), (120.0, 10.0, 50.0), (240.0, 10.0, 70.0), (320.0, 10.0, 30.0)]
    (grid,) = find_grids(hs, [*vs, (400.0, 10.0, 70.0)], GRIDS)

    def word(x0: float, x1: float, y: float, text: str) -> Word:
        return Word(x0, y - 4.0, x1, y + 4.0, text)

    words = [
        word(150.0, 200.0, 20.0, "Incidenteel"),
        word(250.0, 300.0, 20.0, "Structureel"),
        word(340.0, 380.0, 20.0, "Totaal"),
        word(20.0, 100.0, 40.0, "Woningaanpassingen"),
        word(150.0, 190.0, 40.0, "-61.000"),
        word(340.0, 380.0, 40.0, "-61.000"),
        word(20.0, 40.0, 60.0, "6.2"),
        word(45.0, 90.0, 60.0, "Wijkteams"),
        word(150.0, 190.0, 60.0, "-64.500"),
        word(340.0, 380.0, 60.0, "-64.500"),
    ]
    draft = fill_grid(grid, words, 0, True, DEFAULT.cells)
    assert draft is not None
    assert draft.rows[1:] == [
        ["Woningaanpassingen", "-61.000", "", "-61.000"],
        ["6.2 Wijkteams", "-64.500", "", "-64.500"],
    ]


def test_an_amount_whose_box_ocr_stretched_over_specks_stays_in_its_own_cell() -> None:
    (grid,) = find_grids(
        [(10.0, 10.0, 400.0), (30.0, 10.0, 400.0), (50.0, 10.0, 400.0)],
        [(10.0, 10.0, 50.0), (260.0, 10.0, 50.0), (320.0, 10.0, 50.0), (400.0, 10.0, 50.0)],
        GRIDS,
    )
    words = [
        Word(15.0, 15.0, 70.0, 25.0, "Lasten"),
        Word(270.0, 15.0, 310.0, 25.0, "2016"),
        Word(330.0, 15.0, 390.0, 25.0, "2017"),
        Word(15.0, 35.0, 70.0, 45.0, "Totaallasten"),
        Word(180.0, 35.0, 311.0, 45.0, "33.955"),
        Word(360.0, 35.0, 390.0, 45.0, "33.976"),
    ]
    draft = fill_grid(grid, words, 0, True, DEFAULT.cells)
    assert draft is not None
    assert draft.rows[1] == ["Totaallasten", "33.955", "33.976"]


def _grid_words(rows: list[list[str]]) -> tuple[Grid, list[Word]]:
    """A ruled grid of 100 x 20 pt cells and one word per filled cell, as OCR would read it."""
    xs = [10.0 + 100.0 * i for i in range(len(rows[0]) + 1)]
    ys = [10.0 + 20.0 * i for i in range(len(rows) + 1)]
    (grid,) = find_grids([(y, xs[0], xs[-1]) for y in ys], [(x, ys[0], ys[-1]) for x in xs], GRIDS)
    words = [
        Word(xs[c] + 60.0, ys[r] + 5.0, xs[c] + 95.0, ys[r] + 15.0, text)
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
        if text
    ]
    return grid, words


def test_amounts_the_page_pass_read_are_not_read_again() -> None:
    grid, words = _grid_words(
        [
            ["Taakveld", "Incidenteel", "Structureel", "Totaal"],
            ["Wijkteams", "-240.000", "-648.000", "-888.000"],
            ["Jeugdhulp", "-110.000", "-402.000", "-512.000"],
            ["Wmo", "-61.000", "-23.000", "-84.000"],
        ]
    )
    assert cells_to_reread(grid, words, CELLS) == []


def test_a_cell_that_breaks_the_sum_or_holds_no_amount_is_read_again() -> None:
    grid, words = _grid_words(
        [
            ["Taakveld", "Incidenteel", "Structureel", "Totaal"],
            ["Wijkteams", "-240.000", "-648.000", "-888.000"],
            ["Jeugdhulp", "-110.000", "-402.000", "-512.000"],
            ["Ambulant", "-130.000", "-186.000", "-316.000"],
            ["Wmo", "61.000", "-23.000", "-84.000"],
            ["Vervoer", "-12.000", "B", "-12.000"],
        ]
    )
    assert cells_to_reread(grid, words, CELLS) == [(4, 1), (4, 2), (4, 3), (5, 2)]


def test_a_figure_read_with_a_letter_in_a_text_column_is_read_again() -> None:
    grid, words = _grid_words([["Aandeel rookvrij", "B5%"], ["Toelichting", "zie boven"]])
    assert cells_to_reread(grid, words, CELLS) == [(0, 1)]


def test_a_second_reading_replaces_the_words_of_its_cell() -> None:
    grid, words = _grid_words([["Wmo", "61.000", "B5%"]])
    draft = fill_grid(
        grid, with_readings(grid, words, {(0, 1): "-61.000"}, CELLS), 1, True, DEFAULT.cells
    )
    assert draft is not None
    assert draft.rows == [["Wmo", "-61.000", "B5%"]]


def test_the_column_titles_are_read_again_but_a_first_row_of_amounts_is_not() -> None:
    grid, words = _grid_words([["Prestatie", "Fresiatie", ""], ["Huiskamers", "60", "70"]])
    assert title_cells(grid, words, CELLS) == [(0, 0), (0, 1)]
    grid, words = _grid_words([["Lasten", "115.850", "115.372"], ["Baten", "31.846", "33.912"]])
    assert title_cells(grid, words, CELLS) == []
