"""ExtractedDocument in, StructuredDocument out: the pure core of the classify stage.

Blocks and tables are walked once in the extractor's reading order. Headings move the label
context, text blocks and text-table cells become labelled paragraphs, and amount tables become
financial lines with their arithmetic checks. No I/O beyond the packaged model weights.
"""

from __future__ import annotations

from services.classify.checks import check_table
from services.classify.financial import extract_lines, read_table
from services.classify.info import document_info
from services.classify.labels import (
    ContextTracker,
    label_paragraph,
    table_cell_paragraphs,
    text_table_columns,
)
from services.classify.model import load_model
from services.classify.sections import build_tree, find_headings
from shared.documents import (
    ClassifiedTable,
    ExtractedDocument,
    FinancialLine,
    Paragraph,
    StructuredDocument,
    Table,
    TextBlock,
)

__all__ = ["classify"]

CAPTION_REACH = 2
CAPTION_CHARS = 200


def classify(doc: ExtractedDocument, pipeline_version: str) -> StructuredDocument:
    info = document_info(doc)
    headings = find_headings(doc.blocks)
    by_seq = {h.seq: h for h in headings}
    model = load_model()
    tracker = ContextTracker()
    paragraphs: list[Paragraph] = []
    tables: list[ClassifiedTable] = []
    lines: list[FinancialLine] = []
    recent: list[str] = []
    last_unit: float | None = None
    items: list[TextBlock | Table] = sorted([*doc.blocks, *doc.tables], key=lambda i: i.seq)
    for item in items:
        if isinstance(item, TextBlock):
            text = " ".join(item.text.split())
            if not text:
                continue
            heading = by_seq.get(item.seq)
            if heading is not None:
                tracker.enter(heading)
                recent = [text]
                continue
            context, cue_heading = tracker.current()
            label, confidence, evidence = label_paragraph(
                text, item.kind, context, cue_heading, model
            )
            paragraphs.append(
                Paragraph(
                    text=text,
                    label=label,
                    confidence=confidence,
                    evidence=evidence,
                    page=item.page,
                    kind="list_item" if item.kind == "list_item" else "paragraph",
                    section=tracker.section_title(),
                )
            )
            recent = [*recent, text][-CAPTION_REACH:]
            continue
        table = item
        context_text = " ".join(t for t in recent if len(t) <= CAPTION_CHARS)
        reading = read_table(table, context_text)
        unit = 1.0
        checks = []
        if reading.kind == "financial":
            unit = reading.unit or last_unit or 1.0
            last_unit = unit
            table_lines = extract_lines(table, reading, unit, len(tables), info.year)
            lines.extend(table_lines)
            checks = check_table(table_lines, set(table.section_rows), unit)
        elif reading.kind in ("text", "other"):
            context, cue_heading = tracker.current()
            paragraphs.extend(
                table_cell_paragraphs(
                    table,
                    text_table_columns(table),
                    context,
                    cue_heading,
                    tracker.section_title(),
                    model,
                )
            )
        tables.append(
            ClassifiedTable(
                page=table.page,
                kind=reading.kind,  # type: ignore[arg-type]
                rows=table.rows,
                header_rows=reading.header_rows,
                unit=unit,
                columns=[reading.meanings[c].header for c in sorted(reading.meanings)],
                caption=table.caption,
                checks=checks,
            )
        )
        recent = []
    return StructuredDocument(
        document_id=doc.document_id,
        filename=doc.filename,
        pipeline_version=pipeline_version,
        info=info,
        page_count=doc.page_count,
        ocr_pages=[p.number for p in doc.pages if p.ocr],
        sections=build_tree(headings, doc.page_count),
        paragraphs=paragraphs,
        financial_lines=lines,
        tables=tables,
        warnings=list(doc.warnings),
    )
