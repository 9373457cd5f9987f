"""Every threshold the classify core decides by, with its default and the reason for it.

One frozen model per concern, grouped in `ClassifyTuning`; `classify` takes one (by default
`DEFAULT`) and hands each part to the code that owns the decision. A changed value is tried
with `pcflow eval --set sections.question_max_chars=100` on the dev corpus; the model's
features are part of the trained model and are not tuned here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

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


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectionTuning(_Frozen):
    """When a text block is a heading (`sections.find_headings`)."""

    max_chars: int = Field(160, gt=0, description="longer blocks are text, however they are set")
    min_letter_share: float = Field(
        0.5, ge=0, le=1, description="below this share of letters a block is figures or specks"
    )
    ocr_min_words: int = Field(
        2, ge=1, description="an OCR title holds this many real words, or one long one"
    )
    ocr_long_word_chars: int = Field(
        6, ge=1, description="one OCR word this long is a title on its own (Investeringen)"
    )
    question_max_chars: int = Field(
        90, gt=0, description="a BBV question shorter than this is a heading, whatever its style"
    )
    sentence_min_chars: int = Field(
        40, gt=0, description="a block this long ending in punctuation is a sentence, not a title"
    )
    max_sentence_breaks: int = Field(
        1, ge=0, description='more ". " than this and the block is running text'
    )
    larger_pt: float = Field(
        0.9, ge=0, description="set this much larger than the body text makes a heading"
    )
    bolder_slack_pt: float = Field(
        0.25, ge=0, description="a bold block this much smaller than bold-less body still counts"
    )
    styled_max_chars: int = Field(
        120, gt=0, description="a bold heading (not larger) is at most this long; body is longer"
    )
    ocr_title_max_chars: int = Field(
        70, gt=0, description="a known section title on a scan is at most this long"
    )
    ocr_size_tolerance_pt: float = Field(
        0.8, ge=0, description="OCR line heights this close are one heading size (OCR noise)"
    )
    ocr_lone_line_max_chars: int = Field(
        90, gt=0, description="a scanned block of one line, unpunctuated, this short is a title"
    )
    ocr_one_line_em: float = Field(
        1.6, gt=0, description="a scanned block no taller than this many type sizes is one line"
    )


class TableTuning(_Frozen):
    """What kind a table is and where its amounts are (`financial.read_table`)."""

    min_numeric_share: float = Field(
        0.6,
        ge=0,
        le=1,
        description="share of a column's filled cells that are numbers to be amounts",
    )
    max_percentage_share: float = Field(
        0.05, ge=0, le=1, description="more percentages than this share of figures: indicators"
    )
    max_odd_share: float = Field(
        0.1, ge=0, description="non-numbers in amount columns per amount: more means indicators"
    )
    max_odd_share_ocr: float = Field(
        0.3, ge=0, description="the same on a scan, where OCR garbles some amounts"
    )
    min_indicator_label_share: float = Field(
        0.25, ge=0, le=1, description="this share of labels naming an indicator: indicators"
    )
    continuation_pages: int = Field(
        1, ge=0, description="a table split over a page break goes on at most this many pages on"
    )


class CheckTuning(_Frozen):
    """How close printed totals must come to their parts (`checks.check_table`)."""

    rounding_per_term: float = Field(
        0.5,
        ge=0,
        description="each printed figure is rounded to its unit: half a unit of error per term",
    )
    slack_eur: float = Field(0.01, ge=0, description="float noise on amounts already in euros")


class ReadingTuning(_Frozen):
    """What the walk over a document's blocks skips and carries to a table (`read_document`)."""

    toc_entry_max_chars: int = Field(
        300, ge=0, description="a longer block ending in a dot leader and a page number is text"
    )
    caption_blocks: int = Field(
        2, ge=1, description="the texts right above a table that may say its unit: this many"
    )
    caption_max_chars: int = Field(
        200, ge=0, description="a longer text above a table is a paragraph, not its caption"
    )


class InfoTuning(_Frozen):
    """Where the document's facts are read from the cover (`info.document_info`)."""

    cover_pages: int = Field(
        2, ge=1, description="the cover is the first pages with text: a title page, an inside one"
    )
    cover_blocks: int = Field(40, ge=1, description="... read up to this many blocks")
    cover_chars: int = Field(
        400, ge=1, description="each cover block cut short to this: a title is short"
    )
    title_max_chars: int = Field(
        120, ge=1, description="a longer text naming a document type is about it, not its title"
    )
    municipality_texts: int = Field(
        30, ge=0, description="the municipality is named among the first this many cover texts"
    )


class EvidenceTuning(_Frozen):
    """The features named as the evidence for a paragraph's label (`labels.label_all`)."""

    features: int = Field(3, ge=0, description="evidence names at most this many features")
    candidates: int = Field(
        12, ge=0, description="picked from this many strongest, skipping those mute on their own"
    )
    min_word_chars: int = Field(
        3, ge=0, description='words this short ("de", "in") weigh only in bulk: never named'
    )


class ClassifyTuning(_Frozen):
    """All classify thresholds; the names are the first part of a `pcflow eval --set` path."""

    sections: SectionTuning = SectionTuning()
    tables: TableTuning = TableTuning()
    checks: CheckTuning = CheckTuning()
    reading: ReadingTuning = ReadingTuning()
    info: InfoTuning = InfoTuning()
    evidence: EvidenceTuning = EvidenceTuning()


DEFAULT = ClassifyTuning()
