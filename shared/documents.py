"""Content models that travel between the stages: the page model and the structured document.

Extract produces an `ExtractedDocument`, classify turns it into a `StructuredDocument`, store
persists that. Every stage reads and writes only these models, so a stage can be rewritten
without touching its neighbours, and the JSON Schemas published for consumers come from here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[float, float, float, float]
Label = Literal["activiteit", "resultaat", "toelichting", "overig"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


# --- page model (extract -> classify) ---------------------------------------------------------


class TextBlock(_Model):
    """One paragraph, list item or heading candidate, already cleaned.

    Running headers and footers are gone, hyphenated words rejoined, and a paragraph that
    continues over a page or column break is one block whose `page` is where it starts.
    """

    seq: int = Field(description="position in the document's reading order, shared with tables")
    page: int = Field(description="1-based page number where the block starts")
    kind: Literal["text", "list_item"] = "text"
    text: str
    bbox: BBox = (0.0, 0.0, 0.0, 0.0)
    font: str = ""
    size: float = 0.0
    bold: bool = False
    italic: bool = False
    ocr: bool = False


class Table(_Model):
    """A table as printed: cell texts unchanged, header rows apart from body rows.

    `rows` holds every row, header rows first. A table continued on following pages is one
    table whose `pages` lists them all.
    """

    seq: int
    page: int
    pages: list[int] = Field(default_factory=list)
    bbox: BBox = (0.0, 0.0, 0.0, 0.0)
    rows: list[list[str]] = Field(default_factory=list)
    header_rows: int = 0
    section_rows: list[int] = Field(
        default_factory=list, description="indexes into rows of rows that only name a group"
    )
    caption: str = Field(default="", description="text printed just above the table, if any")
    ruled: bool = True
    ocr: bool = False


class PageInfo(_Model):
    number: int
    width: float
    height: float
    rotation: int = 0
    landscape: bool = False
    ocr: bool = False
    has_text: bool = True


class ExtractedDocument(_Model):
    """The faithful page model of one PDF: what classify needs and nothing it must re-derive."""

    document_id: str
    filename: str = ""
    page_count: int
    pages: list[PageInfo] = Field(default_factory=list)
    blocks: list[TextBlock] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    repaired: bool = False
    active_content: bool = False


# --- structured document (classify -> store -> consumers) -------------------------------------


class Section(_Model):
    title: str
    level: int
    kind: Literal["programma", "taakveld", "beleidsveld", "hoofdactiviteit", "section"] = "section"
    number: str = ""
    page_start: int
    page_end: int
    children: list[Section] = Field(default_factory=list)


class Paragraph(_Model):
    text: str
    label: Label
    confidence: float = Field(ge=0.0, le=1.0, description="the probability of `label`")
    probabilities: dict[Label, float] = Field(
        default_factory=dict, description="the probability of every label"
    )
    needs_review: bool = Field(
        default=False, description="the label's probability is below the calibrated threshold"
    )
    evidence: str = Field(description="what weighed most for the label, e.g. a BBV question")
    page: int
    kind: Literal["paragraph", "list_item", "table_cell"] = "paragraph"
    section: str = ""


class Amount(_Model):
    printed: str
    value_eur: float | None
    column: str = Field(default="", description="column header as printed")
    measure: str = Field(default="", description="lasten, baten, saldo or empty")
    kind: str = Field(default="", description="begroting, realisatie, mutatie, prognose, ...")
    year: int | None = None
    column_index: int | None = Field(default=None, description="index of the printed column")


class FinancialLine(_Model):
    label: str
    taakveld: str | None = None
    taakveld_name: str | None = None
    amounts: list[Amount] = Field(default_factory=list)
    page: int
    table: int = Field(description="index into StructuredDocument.tables")
    row: int | None = Field(default=None, description="index into the table's rows")
    total: bool = False

    @property
    def amounts_eur(self) -> list[float]:
        return [a.value_eur for a in self.amounts if a.value_eur is not None]


class Check(_Model):
    name: str
    passed: bool
    detail: str = ""


class ClassifiedTable(_Model):
    page: int
    kind: Literal["financial", "indicator", "text", "other"]
    rows: list[list[str]]
    header_rows: int = 0
    unit: float = 1.0
    columns: list[str] = Field(default_factory=list)
    caption: str = ""
    checks: list[Check] = Field(default_factory=list)


InfoField = Literal["title", "municipality", "document_type", "year"]
InfoSource = Literal["cover", "running header", "running footer", "pdf metadata"]


class InfoEvidence(_Model):
    """Where a document fact was read, so that a reader can check it."""

    source: InfoSource
    page: int | None = Field(
        default=None, description="page of the text; none for running text and PDF metadata"
    )
    text: str = Field(description="the text the fact was read from")


class DocumentInfo(_Model):
    """What the document says it is, read from the document itself, never from its file name."""

    title: str = ""
    municipality: str = ""
    document_type: str = Field(
        default="",
        description="begroting, jaarverslag (also jaarstukken), jaarrekening, voorjaarsnota, "
        "najaarsnota, kadernota, voortgangsrapportage, raadsinformatiebrief, jaarrapportage",
    )
    year: int | None = Field(default=None, description="the year the document reports on")
    evidence: dict[InfoField, InfoEvidence] = Field(default_factory=dict)


class StructuredDocument(_Model):
    document_id: str
    filename: str = ""
    pipeline_version: str
    info: DocumentInfo = Field(default_factory=DocumentInfo)
    page_count: int
    ocr_pages: list[int] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    financial_lines: list[FinancialLine] = Field(default_factory=list)
    tables: list[ClassifiedTable] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
