"""Every threshold the extract core decides by, with its default and the reason for it.

One frozen model per concern, grouped in `ExtractTuning`. It travels inside `ExtractLimits`
(`limits.tuning`), so the sandbox children receive it with the limits, and `analyse_pages` and
`assemble` hand each part to the code that owns the decision. Distances are in PDF points
(1/72 inch) unless a name says otherwise. A changed value is tried with
`pcflow eval --set grids.tolerance_pt=2.5` on the dev corpus.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT",
    "BulletTuning",
    "CaptionTuning",
    "CardTuning",
    "CellTuning",
    "ExtractTuning",
    "FurnitureTuning",
    "GridTuning",
    "MarkerTuning",
    "OcrTuning",
    "ParagraphTuning",
    "ReadingOrderTuning",
    "ScanCellTuning",
    "ScanRuleTuning",
    "TextTuning",
    "WhitespaceTuning",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextTuning(_Frozen):
    """Visual lines from the PDF's text (`text.read_lines`, `merge_same_baseline`)."""

    span_slack_pt: float = Field(
        0.5, ge=0, description="a word's centre this far outside a span still takes its style"
    )
    max_slope: float = Field(
        0.2, ge=0, le=1, description="steeper lines are vertical margin text, not reading matter"
    )
    ocr_min_height_pt: float = Field(
        4.0, ge=0, description="lower OCR lines are specks and rule fragments"
    )
    reach_pt: float = Field(
        1.0, description="a piece joins one ending at most this far right of its own start"
    )
    same_row_overlap: float = Field(
        0.6, gt=0, le=1, description="pieces whose heights overlap this much sit on one row"
    )
    word_gap_em: float = Field(
        0.9, gt=0, description="wider gaps between pieces are column or cell borders"
    )
    ocr_word_gap_em: float = Field(
        1.4, gt=0, description="the same for OCR, which cuts justified lines at wide spaces"
    )
    bullet_gap_em: float = Field(
        3.0, gt=0, description="a bullet on its own joins text this far to its right"
    )


class ParagraphTuning(_Frozen):
    """Lines grouped into paragraphs and list items (`paragraphs.build_blocks`)."""

    size_slack_pt: float = Field(
        0.6, ge=0, description="lines whose sizes differ this much are set in another style"
    )
    ocr_size_slack_pt: float = Field(
        2.0, ge=0, description="the same for OCR, which measures sizes from glyph boxes"
    )
    min_gap_pt: float = Field(
        -2.0, description="lines of a paragraph may overlap this much (tall glyphs, OCR boxes)"
    )
    max_leading_em: float = Field(
        0.8, gt=0, description="wider gaps are not the line spacing within a paragraph"
    )
    paragraph_gap_em: float = Field(
        0.35, ge=0, description="a gap this much wider than the usual leading ends a paragraph"
    )
    column_align_pt: float = Field(
        20.0, ge=0, description="lines starting this close stand in one column"
    )
    min_column_lines: int = Field(
        2, ge=1, description="fewer lines of a column do not show how wide the column is"
    )
    space_em: float = Field(0.25, ge=0, description="the width of a word space")
    indent_slack_pt: float = Field(
        2.0, ge=0, description="a wrapped line starts this close to the text indent"
    )
    list_indent_slack_pt: float = Field(
        3.0, ge=0, description="a line this far left of a list item's text starts something new"
    )
    short_line_share: float = Field(
        0.7, gt=0, le=1, description="an OCR line ending a sentence this short ends a paragraph"
    )
    wrap_slack_em: float = Field(
        1.0, ge=0, description="OCR word boxes are this far off: room smaller than it is no room"
    )


class ReadingOrderTuning(_Frozen):
    """Where a page is cut into bands and columns (`reading_order.xy_cut`)."""

    band_gap_lines: float = Field(
        1.05, gt=0, description="white space taller than this many line heights separates bands"
    )
    default_line_height_pt: float = Field(
        10.0, gt=0, description="the line height of a page without text lines (tables only)"
    )
    gutter_pt: float = Field(8.0, gt=0, description="white space this wide separates columns")


class CaptionTuning(_Frozen):
    """The short text right above a table that becomes its caption (`core._caption`)."""

    max_chars: int = Field(200, ge=0, description="longer text above a table is a paragraph")
    max_gap_lines: float = Field(
        3.0, ge=0, description="text further above than this many of its line sizes is apart"
    )
    min_size_pt: float = Field(
        8.0, ge=0, description="smaller print still counts as this size for the gap"
    )


class WhitespaceTuning(_Frozen):
    """Tables printed without rules, found from text aligned in columns (`whitespace.py`)."""

    margin_share: float = Field(
        0.065, ge=0, lt=0.5, description="lines this close to the top or bottom are running text"
    )
    piece_gap_em: float = Field(
        1.5, gt=0, description="words further apart than this many ems are separate cells"
    )
    min_piece_gap_pt: float = Field(
        9.0, ge=0, description="the same gap never narrower than this, for small print"
    )
    same_row_overlap: float = Field(
        0.5, gt=0, le=1, description="pieces whose heights overlap this much form one text row"
    )
    full_row_share: float = Field(
        0.6, gt=0, le=1, description="rows with this share of the most pieces shape the gutters"
    )
    rows_per_crossing: int = Field(
        10, ge=1, description="one in this many shaping rows may cover a gutter (a spanning cell)"
    )
    min_gutter_pt: float = Field(3.0, ge=0, description="narrower white space is a word space")
    wrap_gap_lines: float = Field(
        0.6, ge=0, description="lines of a wrapped cell are closer than this many line heights"
    )
    leading_slack_pt: float = Field(
        1.0, ge=0, description="a wrapped first cell keeps the page's leading, give or take this"
    )
    cell_size_slack_pt: float = Field(
        0.5, ge=0, description="header lines differing more in size are a caption, not a header"
    )
    key_max_words: int = Field(
        3, ge=1, description="a key of a key-value table names its field in this many words"
    )
    prose_second_share: float = Field(
        0.3, ge=0, le=1, description="two columns of prose: the second holds this share of text"
    )
    prose_two_share: float = Field(
        0.9, ge=0, le=1, description="... and the two together this share: a page layout"
    )
    run_gap_lines: float = Field(
        2.2, ge=0, description="a gap of this many line heights ends a run of table rows"
    )
    run_size_slack_pt: float = Field(
        1.0, ge=0, description="a one-piece row differing more in size is a heading, not a row"
    )


class GridTuning(_Frozen):
    """Ruling lines and the table grids they form (`grid.py`)."""

    tolerance_pt: float = Field(
        2.0, ge=0, description="rules this close meet, and shorter strokes are no rule"
    )
    min_band_pt: float = Field(
        3.0, ge=0, description="rules closer than this are one (a double or skewed rule)"
    )
    background_share: float = Field(
        0.9,
        gt=0,
        le=1,
        description="a rectangle this large in both directions is the page background",
    )
    max_rule_thickness_pt: float = Field(
        3.0, ge=0, description="a filled rectangle this thin is a rule, not a cell"
    )
    min_vertical_cover: float = Field(
        0.6, gt=0, le=1, description="share of a row band a vertical rule covers to split cells"
    )
    min_width_pt: float = Field(20.0, ge=0, description="narrower grids are boxes or underlines")
    min_height_pt: float = Field(8.0, ge=0, description="lower grids are double underlines")


class CardTuning(_Frozen):
    """Tables printed as stacked cards, one per row, each cell under a bold caption (`cards.py`)."""

    caption_max_words: int = Field(
        5, ge=1, description="a caption names its column in this many words; longer is a heading"
    )
    size_slack_pt: float = Field(
        0.3, ge=0, description="captions are set at body size or smaller, give or take rounding"
    )
    align_pt: float = Field(
        2.0, ge=0, description="a caption and the cell text under it start this close to one edge"
    )
    cell_gap_em: float = Field(
        1.0, gt=0, description="a cell's lines, and a caption and its cell, are this close in ems"
    )
    card_gap_em: float = Field(
        4.0, gt=0, description="cards are padded two or three ems apart; a wider gap ends the run"
    )
    min_cards: int = Field(
        2, ge=1, description="fewer cards, each with min_captions, are a framed note, not a table"
    )
    min_captions: int = Field(
        2, ge=1, description="fewer captions (columns) are one labelled value, not a table"
    )
    min_frame_pt: float = Field(
        10.0, ge=0, description="a smaller rectangle cannot frame a caption and a line of text"
    )
    frame_pad_pt: float = Field(1.0, ge=0, description="text touching a frame's edge is inside it")


class CellTuning(_Frozen):
    """The cells of a table read, its header told, its parts joined (`tables.py`)."""

    same_line_offset: float = Field(
        0.45, gt=0, description="words whose middles are this share of a height apart: one line"
    )
    min_columns: int = Field(
        2, ge=1, description="a grid with fewer filled columns is a box around text, not a table"
    )
    min_filled_cells: int = Field(
        2, ge=1, description="a grid with fewer filled cells is a box or a frame, not a table"
    )
    min_numeric_rows: int = Field(
        2, ge=1, description="a table with this many rows holding a number is a table of figures"
    )
    title_max_chars: int = Field(
        40, ge=1, description="a first row of text in plain type with a longer cell is no header"
    )
    column_slack_pt: float = Field(
        6.0, ge=0, description="a part on the next page whose columns start this close goes on"
    )


class FurnitureTuning(_Frozen):
    """Running headers, footers and page numbers (`furniture.py`, `furniture_rows.py`)."""

    margin_share: float = Field(
        0.11, gt=0, lt=0.5, description="the top and bottom share of a page holding running text"
    )
    min_pages: int = Field(
        2, ge=1, description="a margin text recurs on at least this many pages to be running text"
    )
    page_share: float = Field(
        0.25, ge=0, le=1, description="... and on this share of the pages that have text"
    )
    fuzzy_min_chars: int = Field(
        8, ge=0, description='shorter texts ("p. #") are too alike to tell OCR noise from another'
    )
    fuzzy_ratio: float = Field(
        0.85, gt=0, le=1, description="OCR misreads a character or two; another text differs more"
    )
    flow_gap_em: float = Field(
        0.8, ge=0, description="a margin line this close to body text in its column is body text"
    )


class BulletTuning(_Frozen):
    """Round bullets OCR leaves out, found as ink left of a scanned line (`bullets.py`).

    Sizes are in ems of the line's height in pixels.
    """

    min_line_px: int = Field(
        4, ge=1, description="a line fewer pixels high is too small to show a bullet"
    )
    reach_em: float = Field(
        2.2, gt=0, description="a bullet stands at most this far left of where the text starts"
    )
    clear_em: float = Field(
        0.15, ge=0, description="... and keeps at least this much white space from the text"
    )
    min_window_px: int = Field(
        2, ge=1, description="a narrower strip left of the text has no room for a bullet"
    )
    min_em: float = Field(
        0.15, ge=0, description="ink lower or narrower than this is a speck, not a bullet"
    )
    max_em: float = Field(
        0.6, gt=0, description="ink higher or wider than this is a letter or a box, not a bullet"
    )
    fill_share: float = Field(
        0.5, ge=0, le=1, description="a bullet is filled: ink covers this share of its box"
    )
    centre_top: float = Field(
        0.3, ge=0, le=1, description="a bullet's middle lies this far down the line or further"
    )
    centre_bottom: float = Field(
        0.8, ge=0, le=1, description="... and no further down than this: not at the baseline"
    )


class MarkerTuning(_Frozen):
    """List markers drawn as small filled shapes instead of typed (`drawn_markers.py`).

    Sizes in ems are of the line's type size.
    """

    min_em: float = Field(
        0.15, ge=0, description="a smaller dot is an artefact; a marker is about an x-height"
    )
    max_em: float = Field(
        0.7, gt=0, description="a shape much taller than an x-height is an icon or a box"
    )
    max_aspect: float = Field(
        1.6, ge=1, description="markers are round or square; a flatter or taller shape is a bar"
    )
    max_pt: float = Field(
        12.0, gt=0, description="no marker is larger, whatever the type size: prunes the drawings"
    )
    reach_em: float = Field(
        2.5, gt=0, description="a marker stands at most this far left of where the text starts"
    )
    clear_em: float = Field(
        0.15, ge=0, description="... and keeps at least this much white space from the text"
    )
    first_row_em: float = Field(
        1.5, gt=0, description="the first row of an item is at most this high, however tall"
    )
    centre_top: float = Field(
        0.3, ge=0, le=1, description="a marker's centre lies this far down the first row or further"
    )
    centre_bottom: float = Field(
        0.85, ge=0, le=1, description="... and no further down: mid x-height, not the baseline"
    )


class OcrTuning(_Frozen):
    """Which pages are OCRed, and how a scanned page is rendered and cleaned (`ocr.py`,
    `binarize.py`)."""

    min_chars: int = Field(
        20, ge=0, description="a text layer with this many letters and digits is read, not OCRed"
    )
    max_garbage_share: float = Field(
        0.1, ge=0, le=1, description="... unless this share of it is undecodable (U+FFFD)"
    )
    min_image_share: float = Field(
        0.2, ge=0, le=1, description="a page whose images cover this share of it shows a scan"
    )
    skew_dpi: int = Field(
        100, ge=1, description="the skew of a scan shows as well in a small rendering as a large"
    )
    rule_dpi: int = Field(
        150, ge=1, description="rules are found at this resolution: enough to see a hairline"
    )
    title_dpi: int = Field(
        450,
        ge=1,
        description="column titles are read again this fine: bold on shading runs together",
    )
    title_margin_pt: float = Field(
        6.0, ge=0, description="room around the title band for the points straightening moves it"
    )
    max_cell_reads: int = Field(
        80, ge=0, description="cells of a page read again at most: a garbled page is no image"
    )
    speck_pt: float = Field(
        0.45, ge=0, description="ink this small across is a speck; a full stop is larger"
    )
    min_ink_level: int = Field(
        90, ge=0, le=255, description="the ink threshold of a page is never darker than this"
    )
    max_ink_level: int = Field(
        175, ge=0, le=255, description="... nor lighter: few glyphs or heavy shading mislead Otsu"
    )


class ScanRuleTuning(_Frozen):
    """Ruling lines and table grids seen in a scanned image (`scan_image.py`, `ocr.py`)."""

    dark_level: int = Field(
        200, ge=0, le=255, description="pixels darker than this grey are ink of a rule or glyph"
    )
    min_rule_pt: float = Field(
        10.0, ge=0, description="shorter dark runs are strokes of glyphs, not rules"
    )
    erase_rule_pt: float = Field(
        20.0, ge=0, description="runs this long are painted out before OCR; a glyph is shorter"
    )
    attach_pt: float = Field(
        3.0, ge=0, description="a vertical stroke ending this close to a rule is a cell border"
    )
    cross_tol_pt: float = Field(
        2.0, ge=0, description="rule pieces this close to an inner grid line belong to it"
    )
    cross_cover: float = Field(
        0.9, gt=0, le=1, description="an inner rule covers this share of a whole cell's border"
    )
    frame_tol_pt: float = Field(
        4.0, ge=0, description="rule pieces this close to a grid's edge frame it (skew-tolerant)"
    )
    frame_cover: float = Field(
        0.8, gt=0, le=1, description="share of an edge a frame rule covers; scans break rules"
    )
    paint_tol_pt: float = Field(
        2.0, ge=0, description="a rule piece this close to a grid line is painted out with it"
    )
    paint_band_pt: float = Field(
        1.5, ge=0, description="the paint reaches this far either side of a rule's centre"
    )


class ScanCellTuning(_Frozen):
    """Cells of scanned tables: checked, read again, specks and misreadings undone
    (`scan_cells.py`, `scan_sums.py`, `digits.py`)."""

    row_amounts: int = Field(
        2, ge=1, description="a row shows amounts with this many (fewer if the table is narrower)"
    )
    amount_share: float = Field(
        0.5, gt=0, le=1, description="a column whose filled cells hold this share of amounts"
    )
    rule_margin_pt: float = Field(
        1.5, ge=0, description="a cell is read again from this far inside its rules"
    )
    min_crop_px: int = Field(
        8, ge=1, description="a cell cut narrower or lower than this holds no figure to read"
    )
    stray_chars: int = Field(3, ge=0, description="specks read as words are this short")
    stray_gap_em: float = Field(
        1.5, ge=0, description="... and stand this many line heights away from the cell's text"
    )
    speck_width_pt: float = Field(
        1.0, ge=0, description="punctuation this narrow is a speck: a printed dash is wider"
    )
    min_glyph_pt: float = Field(
        2.0, ge=0, description="letters this low are a piece of rule: the smallest type is taller"
    )
    sum_min_rows: int = Field(
        3, ge=1, description="rows that add up before a sum column (or a total) is believed"
    )
    sum_row_share: float = Field(
        0.6, ge=0, le=1, description="share of rows that add up: a misread must not hide the sum"
    )
    sum_slack: float = Field(
        1.0, ge=0, description="printed amounts are whole units; a sum may differ by rounding"
    )
    stack_gap_px: int = Field(
        60, ge=1, description="white between cells stacked to be read in one call"
    )
    same_line_share: float = Field(
        0.5, gt=0, description="a word this share of a word's height lower starts a new line"
    )
    digit_speck_pt: float = Field(
        0.0, ge=0, description="a decimal point in small table type is no bigger than a speck"
    )


class ExtractTuning(_Frozen):
    """All extract thresholds; the names are the first part of a `pcflow eval --set` path."""

    text: TextTuning = TextTuning()
    paragraphs: ParagraphTuning = ParagraphTuning()
    grids: GridTuning = GridTuning()
    whitespace: WhitespaceTuning = WhitespaceTuning()
    reading_order: ReadingOrderTuning = ReadingOrderTuning()
    captions: CaptionTuning = CaptionTuning()
    cards: CardTuning = CardTuning()
    cells: CellTuning = CellTuning()
    furniture: FurnitureTuning = FurnitureTuning()
    bullets: BulletTuning = BulletTuning()
    markers: MarkerTuning = MarkerTuning()
    ocr: OcrTuning = OcrTuning()
    scan_rules: ScanRuleTuning = ScanRuleTuning()
    scan_cells: ScanCellTuning = ScanCellTuning()


DEFAULT = ExtractTuning()
