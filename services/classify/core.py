"""ExtractedDocument in, StructuredDocument out: the pure core of the classify stage.

Blocks and tables are walked once in the extractor's reading order. Headings move the label
context, text blocks and text-table cells become labelled paragraphs, and amount tables become
financial lines with their arithmetic checks. No I/O beyond the packaged model weights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from services.classify.checks import check_table
from services.classify.financial import (
    clean_ocr_table,
    continues_table,
    extract_lines,
    read_table,
    section_taakvelden,
    with_section_taakvelden,
)
from services.classify.info import document_info
from services.classify.labels import Candidate, ParagraphKind, label_all, table_candidates
from services.classify.model import LabelModel, load_model
from services.classify.scopes import HeadingScopes
from services.classify.sections import Heading, build_tree, find_headings
from services.classify.tuning import DEFAULT, ClassifyTuning
from shared.documents import (
    ClassifiedTable,
    DocumentInfo,
    ExtractedDocument,
    FinancialLine,
    StructuredDocument,
    Table,
    TextBlock,
)

__all__ = ["Reading", "classify", "read_document"]

# A table-of-contents entry: title, dot leader, page number. Not a paragraph of the report.
_TOC_ENTRY = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}\s*$")


@dataclass
class Reading:
    """Everything classify reads from a document before paragraphs get their labels."""

    info: DocumentInfo
    headings: list[Heading]
    candidates: list[Candidate] = field(default_factory=list)
    tables: list[ClassifiedTable] = field(default_factory=list)
    lines: list[FinancialLine] = field(default_factory=list)
    last_financial: tuple[Table, int, list[FinancialLine]] | None = None


def read_document(doc: ExtractedDocument, tuning: ClassifyTuning = DEFAULT) -> Reading:
    """Walk blocks and tables in reading order, tracking the headings each unit stands under."""
    info = document_info(doc, tuning.info)
    headings = find_headings(doc.blocks, tuning.sections)
    by_seq = {h.seq: h for h in headings}
    reading = Reading(info=info, headings=headings)
    scopes = HeadingScopes()
    recent: list[str] = []
    intro: int | None = None
    last_unit: float | None = None
    items: list[TextBlock | Table] = sorted([*doc.blocks, *doc.tables], key=lambda i: i.seq)
    for item in items:
        if isinstance(item, TextBlock):
            text = " ".join(item.text.split())
            if not text or (
                len(text) <= tuning.reading.toc_entry_max_chars and _TOC_ENTRY.search(text)
            ):
                continue
            heading = by_seq.get(item.seq)
            if heading is not None:
                scopes.enter(heading)
                recent = [text]
                intro = None
                continue
            kind: ParagraphKind = "list_item" if item.kind == "list_item" else "paragraph"
            if kind == "paragraph":
                intro = len(reading.candidates)
            reading.candidates.append(
                Candidate(
                    text=text,
                    kind=kind,
                    page=item.page,
                    position=scopes.position(),
                    intro=intro if kind == "list_item" else None,
                )
            )
            recent = [*recent, text][-tuning.reading.caption_blocks :]
            continue
        last_unit = _classify_table(item, reading, scopes, (recent, last_unit), tuning)
        recent = []
        intro = None
    return reading


def _classify_table(
    table: Table,
    reading: Reading,
    scopes: HeadingScopes,
    before: tuple[list[str], float | None],
    tuning: ClassifyTuning,
) -> float | None:
    """Classify one table; returns the unit later tables without their own unit inherit.

    `before` holds the texts since the previous table and the unit that table had.
    """
    recent, last_unit = before
    context_text = " ".join(t for t in recent if len(t) <= tuning.reading.caption_max_chars)
    printed = table
    table = clean_ocr_table(table) if table.ocr else table
    table_reading = read_table(table, context_text, tuning.tables)
    previous = reading.last_financial
    continues = previous is not None and continues_table(
        previous[0],
        previous[1],
        table,
        table_reading.header_rows,
        text_between=bool(recent),
        tuning=tuning.tables,
    )
    follows_financial = bool(reading.tables) and reading.tables[-1].kind == "financial"
    if (
        continues
        and follows_financial
        and table_reading.kind == "other"
        and table_reading.amount_columns
    ):
        # The rest of a financial table after a page break: the unit and the money words that
        # made it financial stood above its first part only. A table between them (a table of
        # kengetallen) makes it a table of its own.
        table_reading = replace(table_reading, kind="financial")
    unit = 1.0
    checks = []
    if table_reading.kind == "financial":
        unit = table_reading.unit or (last_unit if continues else None) or 1.0
        last_unit = unit
        year = reading.info.year
        lines = extract_lines(table, table_reading, unit, len(reading.tables), year)
        sections = section_taakvelden(
            [(c.position.heading, c.text) for c in reading.candidates], year
        )
        lines = with_section_taakvelden(lines, sections, year)
        reading.lines.extend(lines)
        carried = _continued_lines(reading.last_financial, table, table_reading.header_rows)
        checks = check_table(lines, set(table.section_rows), unit, carried, tuning.checks)
        reading.last_financial = (table, table_reading.header_rows, lines)
    elif table_reading.kind in ("text", "other"):
        reading.candidates.extend(table_candidates(printed, scopes))
    reading.tables.append(
        ClassifiedTable(
            page=table.page,
            kind=table_reading.kind,
            rows=printed.rows,
            header_rows=table_reading.header_rows,
            unit=unit,
            columns=[table_reading.meanings[c].header for c in sorted(table_reading.meanings)],
            caption=table.caption,
            checks=checks,
        )
    )
    return last_unit


def _continued_lines(
    previous: tuple[Table, int, list[FinancialLine]] | None, table: Table, header_rows: int
) -> list[FinancialLine]:
    """The previous table's lines when this table repeats its header on the next page."""
    if previous is None:
        return []
    before, before_header_rows, lines = previous
    same_header = header_rows > 0 and [
        [" ".join(c.split()) for c in row] for row in table.rows[:header_rows]
    ] == [[" ".join(c.split()) for c in row] for row in before.rows[:before_header_rows]]
    if same_header and 0 <= table.page - before.page <= 1:
        return lines
    return []


def classify(
    doc: ExtractedDocument,
    pipeline_version: str,
    model: LabelModel | None = None,
    tuning: ClassifyTuning = DEFAULT,
) -> StructuredDocument:
    """The structured document; labels from `model`, by default the shipped one."""
    reading = read_document(doc, tuning)
    return StructuredDocument(
        document_id=doc.document_id,
        filename=doc.filename,
        pipeline_version=pipeline_version,
        info=reading.info,
        page_count=doc.page_count,
        ocr_pages=[p.number for p in doc.pages if p.ocr],
        sections=build_tree(reading.headings, doc.page_count),
        paragraphs=label_all(reading.candidates, model or load_model(), tuning.evidence),
        financial_lines=reading.lines,
        tables=reading.tables,
        warnings=list(doc.warnings),
    )
