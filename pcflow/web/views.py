"""What the pages and the JSON API show, shaped from status records and structured documents.

Plain functions over plain data, so what a reader sees can be tested without a server, a
database or a browser; the routes only fetch, call one of these and render.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from shared.documents import Check, ClassifiedTable, FinancialLine, StructuredDocument

Record = dict[str, Any]


class DocumentRow(BaseModel):
    """One document in the list: where it is in the pipeline, and why it failed if it did."""

    document_id: str
    filename: str
    status: str
    status_at: str
    reason: str
    title: str
    municipality: str
    document_type: str
    year: int | None
    paragraphs: int
    needs_review: int
    financial_lines: int


def _iso(value: Any) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else str(value or "")


def document_row(record: Record) -> DocumentRow:
    """A status record as listed; records written before classify know no facts or counts."""
    info = record.get("info") or {}
    counts = record.get("counts") or {}
    return DocumentRow(
        document_id=record["document_id"],
        filename=record.get("filename") or "",
        status=record.get("status") or "",
        status_at=_iso(record.get("status_at")),
        reason=record.get("reason") or "",
        title=info.get("title") or "",
        municipality=info.get("municipality") or "",
        document_type=info.get("document_type") or "",
        year=info.get("year"),
        paragraphs=counts.get("paragraphs", 0),
        needs_review=counts.get("needs_review", 0),
        financial_lines=counts.get("financial_lines", 0),
    )


class PrintedRow(BaseModel):
    """A table row as printed, with the taakveld its financial line was given, if any."""

    cells: list[str]
    header: bool
    taakveld: str | None = None
    taakveld_name: str | None = None
    total: bool = False


class FinancialTable(BaseModel):
    index: int
    page: int
    caption: str
    rows: list[PrintedRow]
    checks: list[Check]

    @property
    def passed(self) -> bool | None:
        """Whether every check held; None when the table had nothing to check."""
        return all(check.passed for check in self.checks) if self.checks else None


def financial_table(
    index: int, table: ClassifiedTable, lines: list[FinancialLine]
) -> FinancialTable:
    by_row = {line.row: line for line in lines if line.table == index and line.row is not None}
    rows = []
    for number, cells in enumerate(table.rows):
        line = by_row.get(number)
        rows.append(
            PrintedRow(
                cells=cells,
                header=number < table.header_rows,
                taakveld=line.taakveld if line else None,
                taakveld_name=line.taakveld_name if line else None,
                total=line.total if line else False,
            )
        )
    return FinancialTable(
        index=index, page=table.page, caption=table.caption, rows=rows, checks=table.checks
    )


class DocumentPage(BaseModel):
    row: DocumentRow
    document: StructuredDocument | None
    financial_tables: list[FinancialTable]
    needs_review: int


def document_page(record: Record, document: StructuredDocument | None) -> DocumentPage:
    """A document as a reader checks it: only financial tables are shown as tables, because
    their lines carry a taakveld and their checks say whether the printed sums hold."""
    tables = []
    if document is not None:
        tables = [
            financial_table(index, table, document.financial_lines)
            for index, table in enumerate(document.tables)
            if table.kind == "financial"
        ]
    return DocumentPage(
        row=document_row(record),
        document=document,
        financial_tables=tables,
        needs_review=sum(p.needs_review for p in document.paragraphs) if document else 0,
    )


def euros(value: float | None) -> str:
    """Whole euros with Dutch thousands separators, as the reports print them."""
    return "" if value is None else f"{value:,.0f}".replace(",", ".")
