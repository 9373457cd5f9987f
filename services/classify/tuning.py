"""Every threshold the classify core decides by, with its default and the reason for it.

One frozen model per concern, grouped in `ClassifyTuning`; `classify` takes one (by default
`DEFAULT`) and hands each part to the code that owns the decision. A changed value is tried
with `pcflow eval --set sections.question_max_chars=100` on the dev corpus; the model's
features are part of the trained model and are not tuned here.
"""

from __future__ import annotations

from shared.tunables import AtLeastOne, Count, NonNegative, Positive, Share, Tuning

__all__ = [
    "DEFAULT",
    "CheckTuning",
    "ClassifyTuning",
    "EvidenceTuning",
    "InfoTuning",
    "ReadingTuning",
    "SectionTuning",
    "TableTuning",
]


class SectionTuning(Tuning):
    """When a text block is a heading (`sections.find_headings`)."""

    max_chars: AtLeastOne = 160
    """Longer blocks are text, however they are set."""
    min_letter_share: Share = 0.5
    """Below this share of letters a block is figures or specks."""
    ocr_min_words: AtLeastOne = 2
    """An OCR title holds this many real words, or one long one."""
    ocr_long_word_chars: AtLeastOne = 6
    """One OCR word this long is a title on its own (Investeringen)."""
    question_max_chars: AtLeastOne = 90
    """A BBV question shorter than this is a heading, whatever its style."""
    sentence_min_chars: AtLeastOne = 40
    """A block this long ending in punctuation is a sentence, not a title."""
    max_sentence_breaks: Count = 1
    """More ". " than this and the block is running text."""
    larger_pt: NonNegative = 0.9
    """Set this much larger than the body text makes a heading."""
    bolder_slack_pt: NonNegative = 0.25
    """A bold block this much smaller than bold-less body still counts."""
    styled_max_chars: AtLeastOne = 120
    """A bold heading (not larger) is at most this long; body is longer."""
    ocr_title_max_chars: AtLeastOne = 70
    """A known section title on a scan is at most this long."""
    ocr_size_tolerance_pt: NonNegative = 0.8
    """OCR line heights this close are one heading size (OCR noise)."""
    ocr_lone_line_max_chars: AtLeastOne = 90
    """A scanned block of one line, unpunctuated, this short is a title."""
    ocr_one_line_em: Positive = 1.6
    """A scanned block no taller than this many type sizes is one line."""


class TableTuning(Tuning):
    """What kind a table is and where its amounts are (`financial.read_table`)."""

    min_numeric_share: Share = 0.6
    """Share of a column's filled cells that are numbers to be amounts."""
    max_percentage_share: Share = 0.05
    """More percentages than this share of figures: indicators."""
    max_odd_share: NonNegative = 0.1
    """Non-numbers in amount columns per amount: more means indicators."""
    max_odd_share_ocr: NonNegative = 0.3
    """The same on a scan, where OCR garbles some amounts."""
    min_indicator_label_share: Share = 0.25
    """This share of labels naming an indicator: indicators."""
    continuation_pages: Count = 1
    """A table split over a page break goes on at most this many pages on."""


class CheckTuning(Tuning):
    """How close printed totals must come to their parts (`checks.check_table`)."""

    rounding_per_term: NonNegative = 0.5
    """Each printed figure is rounded to its unit: half a unit of error per term."""
    slack_eur: NonNegative = 0.01
    """Float noise on amounts already in euros."""


class ReadingTuning(Tuning):
    """What the walk over a document's blocks skips and carries to a table (`read_document`)."""

    toc_entry_max_chars: Count = 300
    """A longer block ending in a dot leader and a page number is text."""
    caption_blocks: AtLeastOne = 2
    """The texts right above a table that may say its unit: this many."""
    caption_max_chars: Count = 200
    """A longer text above a table is a paragraph, not its caption."""


class InfoTuning(Tuning):
    """Where the document's facts are read from the cover (`info.document_info`)."""

    cover_pages: AtLeastOne = 2
    """The cover is the first pages with text: a title page, an inside one."""
    cover_blocks: AtLeastOne = 40
    """... read up to this many blocks."""
    cover_chars: AtLeastOne = 400
    """Each cover block cut short to this: a title is short."""
    title_max_chars: AtLeastOne = 120
    """A longer text naming a document type is about it, not its title."""
    municipality_texts: Count = 30
    """The municipality is named among the first this many cover texts."""


class EvidenceTuning(Tuning):
    """The features named as the evidence for a paragraph's label (`labels.label_all`)."""

    features: Count = 3
    """Evidence names at most this many features."""
    candidates: Count = 12
    """Picked from this many strongest, skipping those mute on their own."""
    min_word_chars: Count = 3
    """Words this short ("de", "in") weigh only in bulk: never named."""


class ClassifyTuning(Tuning):
    """All classify thresholds; the names are the first part of a `pcflow eval --set` path."""

    sections: SectionTuning = SectionTuning()
    tables: TableTuning = TableTuning()
    checks: CheckTuning = CheckTuning()
    reading: ReadingTuning = ReadingTuning()
    info: InfoTuning = InfoTuning()
    evidence: EvidenceTuning = EvidenceTuning()


DEFAULT = ClassifyTuning()
