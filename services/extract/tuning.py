"""Every threshold the extract core decides by, with its default and the reason for it.

One frozen model per concern, grouped in `ExtractTuning`. It travels inside `ExtractLimits`
(`limits.tuning`), so the sandbox children receive it with the limits, and `analyse_pages` and
`assemble` hand each part to the code that owns the decision. Distances are in PDF points
(1/72 inch) unless a name says otherwise. A changed value is tried with
`pcflow eval --set grids.tolerance_pt=2.5` on the dev corpus.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from shared.tunables import (
    AtLeastOne,
    Count,
    GreyLevel,
    NonNegative,
    Positive,
    PositiveShare,
    Share,
    Tuning,
)

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


class TextTuning(Tuning):
    """Visual lines from the PDF's text (`text.read_lines`, `merge_same_baseline`)."""

    span_slack_pt: NonNegative = 0.5
    """A word's centre this far outside a span still takes its style."""
    max_slope: Share = 0.2
    """Steeper lines are vertical margin text, not reading matter."""
    ocr_min_height_pt: NonNegative = 4.0
    """Lower OCR lines are specks and rule fragments."""
    reach_pt: float = 1.0
    """A piece joins one ending at most this far right of its own start."""
    same_row_overlap: PositiveShare = 0.6
    """Pieces whose heights overlap this much sit on one row."""
    word_gap_em: Positive = 0.9
    """Wider gaps between pieces are column or cell borders."""
    ocr_word_gap_em: Positive = 1.4
    """The same for OCR, which cuts justified lines at wide spaces."""
    bullet_gap_em: Positive = 3.0
    """A bullet on its own joins text this far to its right."""
    justified_gap_em: Positive = 3.0
    """Justified setting stretches a word space to at most this, in a narrow column."""
    justified_neighbour_lines: Positive = 2.5
    """Lines this many line heights above and below tell a gutter from a wide space."""
    column_edge_pt: NonNegative = 2.0
    """Lines starting this close together share a column's left edge."""


class ParagraphTuning(Tuning):
    """Lines grouped into paragraphs and list items (`paragraphs.build_blocks`)."""

    size_slack_pt: NonNegative = 0.6
    """Lines whose sizes differ this much are set in another style."""
    ocr_size_slack_pt: NonNegative = 2.0
    """The same for OCR, which measures sizes from glyph boxes."""
    min_gap_pt: float = -2.0
    """Lines of a paragraph may overlap this much (tall glyphs, OCR boxes)."""
    max_leading_em: Positive = 0.8
    """Wider gaps are not the line spacing within a paragraph."""
    paragraph_gap_em: NonNegative = 0.35
    """A gap this much wider than the usual leading ends a paragraph."""
    column_align_pt: NonNegative = 20.0
    """Lines starting this close stand in one column."""
    min_column_lines: AtLeastOne = 2
    """Fewer lines of a column do not show how wide the column is."""
    space_em: NonNegative = 0.25
    """The width of a word space."""
    indent_slack_pt: NonNegative = 2.0
    """A wrapped line starts this close to the text indent."""
    list_indent_slack_pt: NonNegative = 3.0
    """A line this far left of a list item's text starts something new."""
    short_line_share: PositiveShare = 0.7
    """An OCR line ending a sentence this short ends a paragraph."""
    wrap_slack_em: NonNegative = 1.0
    """OCR word boxes are this far off: room smaller than it is no room."""


class ReadingOrderTuning(Tuning):
    """Where a page is cut into bands and columns (`reading_order.xy_cut`)."""

    band_gap_lines: Positive = 1.05
    """White space taller than this many line heights separates bands."""
    default_line_height_pt: Positive = 10.0
    """The line height of a page without text lines (tables only)."""
    gutter_pt: Positive = 8.0
    """White space this wide separates columns."""


class CaptionTuning(Tuning):
    """The short text right above a table that becomes its caption (`core._caption`)."""

    max_chars: Count = 200
    """Longer text above a table is a paragraph."""
    max_gap_lines: NonNegative = 3.0
    """Text further above than this many of its line sizes is apart."""
    min_size_pt: NonNegative = 8.0
    """Smaller print still counts as this size for the gap."""


class WhitespaceTuning(Tuning):
    """Tables printed without rules, found from text aligned in columns (`whitespace.py`)."""

    margin_share: Annotated[float, Field(ge=0, lt=0.5)] = 0.065
    """Lines this close to the top or bottom are running text."""
    piece_gap_em: Positive = 1.5
    """Words further apart than this many ems are separate cells."""
    min_piece_gap_pt: NonNegative = 9.0
    """The same gap never narrower than this, for small print."""
    same_row_overlap: PositiveShare = 0.5
    """Pieces whose heights overlap this much form one text row."""
    full_row_share: PositiveShare = 0.6
    """Rows with this share of the most pieces shape the gutters."""
    rows_per_crossing: AtLeastOne = 10
    """One in this many shaping rows may cover a gutter (a spanning cell)."""
    min_gutter_pt: NonNegative = 3.0
    """Narrower white space is a word space."""
    wrap_gap_lines: NonNegative = 0.6
    """Lines of a wrapped cell are closer than this many line heights."""
    leading_slack_pt: NonNegative = 1.0
    """A wrapped first cell keeps the page's leading, give or take this."""
    cell_size_slack_pt: NonNegative = 0.5
    """Header lines differing more in size are a caption, not a header."""
    key_max_words: AtLeastOne = 3
    """A key of a key-value table names its field in this many words."""
    prose_second_share: Share = 0.3
    """Two columns of prose: the second holds this share of text."""
    prose_two_share: Share = 0.9
    """... and the two together this share: a page layout."""
    run_gap_lines: NonNegative = 2.2
    """A gap of this many line heights ends a run of table rows."""
    run_size_slack_pt: NonNegative = 1.0
    """A one-piece row differing more in size is a heading, not a row."""


class GridTuning(Tuning):
    """Ruling lines and the table grids they form (`grid.py`)."""

    tolerance_pt: NonNegative = 2.0
    """Rules this close meet, and shorter strokes are no rule."""
    min_band_pt: NonNegative = 3.0
    """Rules closer than this are one (a double or skewed rule)."""
    background_share: PositiveShare = 0.9
    """A rectangle this large in both directions is the page background."""
    max_rule_thickness_pt: NonNegative = 3.0
    """A filled rectangle this thin is a rule, not a cell."""
    min_vertical_cover: PositiveShare = 0.6
    """Share of a row band a vertical rule covers to split cells."""
    min_width_pt: NonNegative = 20.0
    """Narrower grids are boxes or underlines."""
    min_height_pt: NonNegative = 8.0
    """Lower grids are double underlines."""


class CardTuning(Tuning):
    """Tables printed as stacked cards, one per row, each cell under a bold caption (`cards.py`)."""

    caption_max_words: AtLeastOne = 5
    """A caption names its column in this many words; longer is a heading."""
    size_slack_pt: NonNegative = 0.3
    """Captions are set at body size or smaller, give or take rounding."""
    align_pt: NonNegative = 2.0
    """A caption and the cell text under it start this close to one edge."""
    cell_gap_em: Positive = 1.0
    """A cell's lines, and a caption and its cell, are this close in ems."""
    card_gap_em: Positive = 4.0
    """Cards are padded two or three ems apart; a wider gap ends the run."""
    min_cards: AtLeastOne = 2
    """Fewer cards, each with min_captions, are a framed note, not a table."""
    min_captions: AtLeastOne = 2
    """Fewer captions (columns) are one labelled value, not a table."""
    min_frame_pt: NonNegative = 10.0
    """A smaller rectangle cannot frame a caption and a line of text."""
    frame_pad_pt: NonNegative = 1.0
    """Text touching a frame's edge is inside it."""


class CellTuning(Tuning):
    """The cells of a table read, its header told, its parts joined (`tables.py`)."""

    same_line_offset: Positive = 0.45
    """Words whose middles are this share of a height apart: one line."""
    min_columns: AtLeastOne = 2
    """A grid with fewer filled columns is a box around text, not a table."""
    min_filled_cells: AtLeastOne = 2
    """A grid with fewer filled cells is a box or a frame, not a table."""
    min_numeric_rows: AtLeastOne = 2
    """A table with this many rows holding a number is a table of figures."""
    title_max_chars: AtLeastOne = 40
    """A first row of text in plain type with a longer cell is no header."""
    column_slack_pt: NonNegative = 6.0
    """A part on the next page whose columns start this close goes on."""


class FurnitureTuning(Tuning):
    """Running headers, footers and page numbers (`furniture.py`, `furniture_rows.py`)."""

    margin_share: Annotated[float, Field(gt=0, lt=0.5)] = 0.11
    """The top and bottom share of a page holding running text."""
    min_pages: AtLeastOne = 2
    """A margin text recurs on at least this many pages to be running text."""
    page_share: Share = 0.25
    """... and on this share of the pages that have text."""
    fuzzy_min_chars: Count = 8
    """Shorter texts ("p. #") are too alike to tell OCR noise from another."""
    fuzzy_ratio: PositiveShare = 0.85
    """OCR misreads a character or two; another text differs more."""
    flow_gap_em: NonNegative = 0.8
    """A margin line this close to body text in its column is body text."""


class BulletTuning(Tuning):
    """Round bullets OCR leaves out, found as ink left of a scanned line (`bullets.py`).

    Sizes are in ems of the line's height in pixels.
    """

    min_line_px: AtLeastOne = 4
    """A line fewer pixels high is too small to show a bullet."""
    reach_em: Positive = 2.2
    """A bullet stands at most this far left of where the text starts."""
    clear_em: NonNegative = 0.15
    """... and keeps at least this much white space from the text."""
    min_window_px: AtLeastOne = 2
    """A narrower strip left of the text has no room for a bullet."""
    min_em: NonNegative = 0.15
    """Ink lower or narrower than this is a speck, not a bullet."""
    max_em: Positive = 0.6
    """Ink higher or wider than this is a letter or a box, not a bullet."""
    fill_share: Share = 0.5
    """A bullet is filled: ink covers this share of its box."""
    centre_top: Share = 0.3
    """A bullet's middle lies this far down the line or further."""
    centre_bottom: Share = 0.8
    """... and no further down than this: not at the baseline."""


class MarkerTuning(Tuning):
    """List markers drawn as small filled shapes instead of typed (`drawn_markers.py`).

    Sizes in ems are of the line's type size.
    """

    min_em: NonNegative = 0.15
    """A smaller dot is an artefact; a marker is about an x-height."""
    max_em: Positive = 0.7
    """A shape much taller than an x-height is an icon or a box."""
    max_aspect: Annotated[float, Field(ge=1)] = 1.6
    """Markers are round or square; a flatter or taller shape is a bar."""
    max_pt: Positive = 12.0
    """No marker is larger, whatever the type size: prunes the drawings."""
    reach_em: Positive = 2.5
    """A marker stands at most this far left of where the text starts."""
    clear_em: NonNegative = 0.15
    """... and keeps at least this much white space from the text."""
    first_row_em: Positive = 1.5
    """The first row of an item is at most this high, however tall."""
    centre_top: Share = 0.3
    """A marker's centre lies this far down the first row or further."""
    centre_bottom: Share = 0.85
    """... and no further down: mid x-height, not the baseline."""


class OcrTuning(Tuning):
    """Which pages are OCRed, and how a scanned page is rendered and cleaned (`ocr.py`,
    `binarize.py`)."""

    min_chars: Count = 20
    """A text layer with this many letters and digits is read, not OCRed."""
    max_garbage_share: Share = 0.1
    """... unless this share of it is undecodable (U+FFFD)."""
    min_image_share: Share = 0.2
    """A page whose images cover this share of it shows a scan."""
    skew_dpi: AtLeastOne = 100
    """The skew of a scan shows as well in a small rendering as a large."""
    rule_dpi: AtLeastOne = 150
    """Rules are found at this resolution: enough to see a hairline."""
    title_dpi: AtLeastOne = 450
    """Column titles are read again this fine: bold on shading runs together."""
    title_margin_pt: NonNegative = 6.0
    """Room around the title band for the points straightening moves it."""
    max_cell_reads: Count = 80
    """Cells of a page read again at most: a garbled page is no image."""
    speck_pt: NonNegative = 0.45
    """Ink this small across is a speck; a full stop is larger."""
    min_ink_level: GreyLevel = 90
    """The ink threshold of a page is never darker than this."""
    max_ink_level: GreyLevel = 175
    """... nor lighter: few glyphs or heavy shading mislead Otsu."""


class ScanRuleTuning(Tuning):
    """Ruling lines and table grids seen in a scanned image (`scan_image.py`, `ocr.py`)."""

    dark_level: GreyLevel = 200
    """Pixels darker than this grey are ink of a rule or glyph."""
    min_rule_pt: NonNegative = 10.0
    """Shorter dark runs are strokes of glyphs, not rules."""
    erase_rule_pt: NonNegative = 20.0
    """Runs this long are painted out before OCR; a glyph is shorter."""
    attach_pt: NonNegative = 3.0
    """A vertical stroke ending this close to a rule is a cell border."""
    cross_tol_pt: NonNegative = 2.0
    """Rule pieces this close to an inner grid line belong to it."""
    cross_cover: PositiveShare = 0.9
    """An inner rule covers this share of a whole cell's border."""
    frame_tol_pt: NonNegative = 4.0
    """Rule pieces this close to a grid's edge frame it (skew-tolerant)."""
    frame_cover: PositiveShare = 0.8
    """Share of an edge a frame rule covers; scans break rules."""
    paint_tol_pt: NonNegative = 2.0
    """A rule piece this close to a grid line is painted out with it."""
    paint_band_pt: NonNegative = 1.5
    """The paint reaches this far either side of a rule's centre."""


class ScanCellTuning(Tuning):
    """Cells of scanned tables: checked, read again, specks and misreadings undone
    (`scan_cells.py`, `scan_sums.py`, `digits.py`)."""

    row_amounts: AtLeastOne = 2
    """A row shows amounts with this many (fewer if the table is narrower)."""
    amount_share: PositiveShare = 0.5
    """A column whose filled cells hold this share of amounts."""
    rule_margin_pt: NonNegative = 1.5
    """A cell is read again from this far inside its rules."""
    min_crop_px: AtLeastOne = 8
    """A cell cut narrower or lower than this holds no figure to read."""
    stray_chars: Count = 3
    """Specks read as words are this short."""
    stray_gap_em: NonNegative = 1.5
    """... and stand this many line heights away from the cell's text."""
    speck_width_pt: NonNegative = 1.0
    """Punctuation this narrow is a speck: a printed dash is wider."""
    min_glyph_pt: NonNegative = 2.0
    """Letters this low are a piece of rule: the smallest type is taller."""
    sum_min_rows: AtLeastOne = 3
    """Rows that add up before a sum column (or a total) is believed."""
    sum_row_share: Share = 0.6
    """Share of rows that add up: a misread must not hide the sum."""
    sum_slack: NonNegative = 1.0
    """Printed amounts are whole units; a sum may differ by rounding."""
    stack_gap_px: AtLeastOne = 60
    """White between cells stacked to be read in one call."""
    same_line_share: Positive = 0.5
    """A word this share of a word's height lower starts a new line."""
    digit_speck_pt: NonNegative = 0.0
    """A decimal point in small table type is no bigger than a speck."""


class ExtractTuning(Tuning):
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
