"""`pcflow export`: stored structured documents as tidy tables for Excel, CSV and Parquet.

Analysts compare amounts across documents, years and municipalities, so every amount of a
financial line is one row carrying everything needed to pivot on it: the document's facts, the
table, the line, its taakveld, and what the column means (lasten/baten/saldo, begroting/
realisatie/..., year). Paragraphs are a second table. Building the rows is pure; only the
writers touch files.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from shared.documents import StructuredDocument

__all__ = [
    "FORMATS",
    "Export",
    "Filters",
    "Format",
    "amount_rows",
    "build_export",
    "paragraph_rows",
    "write_export",
]

Format = Literal["xlsx", "csv", "parquet"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv", "parquet")
Row = dict[str, Any]

_DOCUMENT = pa.schema(
    [
        ("document_id", pa.string()),
        ("municipality", pa.string()),
        ("document_type", pa.string()),
        ("report_year", pa.int64()),
    ]
)
FINANCIAL_SCHEMA = pa.schema(
    [
        *_DOCUMENT,
        ("page", pa.int64()),
        ("table", pa.int64()),
        ("table_caption", pa.string()),
        ("line", pa.string()),
        ("taakveld", pa.string()),
        ("taakveld_name", pa.string()),
        ("measure", pa.string()),
        ("kind", pa.string()),
        ("column", pa.string()),
        ("column_year", pa.int64()),
        ("printed", pa.string()),
        ("amount_eur", pa.float64()),
        ("total", pa.bool_()),
        ("checks_passed", pa.bool_()),
    ]
)
PARAGRAPH_SCHEMA = pa.schema(
    [
        *_DOCUMENT,
        ("page", pa.int64()),
        ("section", pa.string()),
        ("kind", pa.string()),
        ("label", pa.string()),
        ("probability", pa.float64()),
        ("needs_review", pa.bool_()),
        ("text", pa.string()),
    ]
)


@dataclass(frozen=True, slots=True)
class Filters:
    """Which documents, financial lines and paragraphs to export; None lets everything pass.

    A taakveld selects its own code and the codes under it ("6" selects 6.1 and 6.71);
    municipality and document type are compared case-insensitively.
    """

    municipality: str | None = None
    year: int | None = None
    document_type: str | None = None
    taakveld: str | None = None
    label: str | None = None

    def admits(self, doc: StructuredDocument) -> bool:
        info = doc.info
        return (
            (
                self.municipality is None
                or info.municipality.casefold() == self.municipality.casefold()
            )
            and (self.year is None or info.year == self.year)
            and (
                self.document_type is None
                or info.document_type.casefold() == self.document_type.casefold()
            )
        )

    def admits_taakveld(self, code: str | None) -> bool:
        wanted = self.taakveld
        return wanted is None or (
            code is not None and (code == wanted or code.startswith(f"{wanted}."))
        )


@dataclass(slots=True)
class Export:
    """The two tidy tables: one row per amount of a financial line, one per paragraph."""

    financial_lines: list[Row] = field(default_factory=list)
    paragraphs: list[Row] = field(default_factory=list)

    def add(self, doc: StructuredDocument, filters: Filters) -> None:
        if filters.admits(doc):
            self.financial_lines.extend(amount_rows(doc, filters))
            self.paragraphs.extend(paragraph_rows(doc, filters))


def _document_columns(doc: StructuredDocument) -> Row:
    return {
        "document_id": doc.document_id,
        "municipality": doc.info.municipality,
        "document_type": doc.info.document_type,
        "report_year": doc.info.year,
    }


def amount_rows(doc: StructuredDocument, filters: Filters) -> list[Row]:
    """One row per amount of every financial line, in printed order.

    `checks_passed` says whether every arithmetic check of the line's table held; it is empty
    for a table that had nothing to check.
    """
    document = _document_columns(doc)
    rows: list[Row] = []
    for line in doc.financial_lines:
        if not filters.admits_taakveld(line.taakveld):
            continue
        table = doc.tables[line.table] if 0 <= line.table < len(doc.tables) else None
        checks = table.checks if table is not None else []
        passed = all(c.passed for c in checks) if checks else None
        for amount in line.amounts:
            rows.append(
                {
                    **document,
                    "page": line.page,
                    "table": line.table,
                    "table_caption": table.caption if table is not None else "",
                    "line": line.label,
                    "taakveld": line.taakveld,
                    "taakveld_name": line.taakveld_name,
                    "measure": amount.measure,
                    "kind": amount.kind,
                    "column": amount.column,
                    "column_year": amount.year,
                    "printed": amount.printed,
                    "amount_eur": amount.value_eur,
                    "total": line.total,
                    "checks_passed": passed,
                }
            )
    return rows


def paragraph_rows(doc: StructuredDocument, filters: Filters) -> list[Row]:
    document = _document_columns(doc)
    return [
        {
            **document,
            "page": p.page,
            "section": p.section,
            "kind": p.kind,
            "label": p.label,
            "probability": p.confidence,
            "needs_review": p.needs_review,
            "text": p.text,
        }
        for p in doc.paragraphs
        if filters.label is None or p.label == filters.label
    ]


def build_export(docs: Iterable[StructuredDocument], filters: Filters) -> Export:
    export = Export()
    for doc in docs:
        export.add(doc, filters)
    return export


def _tables(export: Export) -> list[tuple[str, pa.Schema, list[Row]]]:
    return [
        ("financial_lines", FINANCIAL_SCHEMA, export.financial_lines),
        ("paragraphs", PARAGRAPH_SCHEMA, export.paragraphs),
    ]


def write_export(export: Export, out: Path, fmt: Format) -> list[Path]:
    """Write the tables into the folder `out`: one workbook with a sheet per table, or one CSV
    or Parquet file per table. Returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        path = out / "pcflow-export.xlsx"
        workbook = Workbook(write_only=True)
        for name, schema, rows in _tables(export):
            sheet = workbook.create_sheet(name)
            sheet.append(schema.names)
            for row in rows:
                sheet.append([row[column] for column in schema.names])
        workbook.save(path)
        return [path]
    written = []
    for name, schema, rows in _tables(export):
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=schema.names)
                writer.writeheader()
                writer.writerows(rows)
        else:
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
        written.append(path)
    return written
