"""The export core: one row per amount, filters, and the three formats read back."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from pcflow.export import FINANCIAL_SCHEMA, PARAGRAPH_SCHEMA, Filters, build_export, write_export
from shared.documents import (
    Amount,
    Check,
    ClassifiedTable,
    DocumentInfo,
    FinancialLine,
    Paragraph,
    StructuredDocument,
)


def _amount(printed: str, eur: float, measure: str, kind: str, year: int) -> Amount:
    return Amount(
        printed=printed,
        value_eur=eur,
        column=f"{kind} {year}",
        measure=measure,
        kind=kind,
        year=year,
        column_index=1,
    )


def _doc(document_id: str, municipality: str, year: int, document_type: str) -> StructuredDocument:
    tables = [
        ClassifiedTable(
            page=3,
            kind="financial",
            rows=[["Taakveld", "Begroting 2023", "Realisatie 2023"]],
            unit=1000.0,
            caption="Lasten per taakveld (x € 1.000)",
            checks=[Check(name="total", passed=True), Check(name="saldo", passed=False)],
        ),
        ClassifiedTable(page=4, kind="financial", rows=[["Totaal", "10"]], unit=1.0),
    ]
    lines = [
        FinancialLine(
            label="6.3 Inkomensregelingen",
            taakveld="6.3",
            taakveld_name="Inkomensregelingen",
            page=3,
            table=0,
            amounts=[
                _amount("1.200", 1_200_000.0, "lasten", "begroting", year),
                _amount("1.150", 1_150_000.0, "lasten", "realisatie", year),
            ],
        ),
        FinancialLine(
            label="6.71 Maatwerkdienstverlening 18+",
            taakveld="6.71",
            taakveld_name="Maatwerkdienstverlening 18+",
            page=3,
            table=0,
            amounts=[_amount("(300)", -300_000.0, "baten", "begroting", year)],
        ),
        FinancialLine(
            label="Totaal",
            page=4,
            table=1,
            total=True,
            amounts=[_amount("10", 10.0, "saldo", "prognose", year)],
        ),
    ]
    paragraphs = [
        Paragraph(
            text="Wij breiden de schuldhulp uit.",
            label="activiteit",
            confidence=0.9,
            evidence="Wat gaan we daarvoor doen?",
            page=2,
            section="Programma 6",
        ),
        Paragraph(
            text="De lasten vielen lager uit door minder instroom.",
            label="toelichting",
            confidence=0.55,
            needs_review=True,
            evidence="Toelichting afwijkingen",
            page=3,
            section="Financiën",
        ),
    ]
    return StructuredDocument(
        document_id=document_id,
        pipeline_version="test",
        info=DocumentInfo(
            municipality=municipality, year=year, document_type=document_type, title="t"
        ),
        page_count=4,
        paragraphs=paragraphs,
        financial_lines=lines,
        tables=tables,
    )


DOCS = [
    _doc("a" * 64, "Zandvoort", 2023, "jaarverslag"),
    _doc("b" * 64, "Ommen", 2024, "begroting"),
]


def test_one_row_per_amount_with_its_line_table_and_document() -> None:
    export = build_export(DOCS[:1], Filters())
    assert len(export.financial_lines) == 4
    first, second, third, total = export.financial_lines
    assert first == {
        "document_id": "a" * 64,
        "municipality": "Zandvoort",
        "document_type": "jaarverslag",
        "report_year": 2023,
        "page": 3,
        "table": 0,
        "table_caption": "Lasten per taakveld (x € 1.000)",
        "line": "6.3 Inkomensregelingen",
        "taakveld": "6.3",
        "taakveld_name": "Inkomensregelingen",
        "measure": "lasten",
        "kind": "begroting",
        "column": "begroting 2023",
        "column_year": 2023,
        "printed": "1.200",
        "amount_eur": 1_200_000.0,
        "total": False,
        "checks_passed": False,
    }
    assert (second["kind"], second["amount_eur"]) == ("realisatie", 1_150_000.0)
    assert (third["measure"], third["printed"], third["amount_eur"]) == (
        "baten",
        "(300)",
        -300_000.0,
    )
    assert total["total"] is True and total["taakveld"] is None
    assert total["checks_passed"] is None
    assert [p["label"] for p in export.paragraphs] == ["activiteit", "toelichting"]
    assert export.paragraphs[1]["probability"] == 0.55
    assert export.paragraphs[1]["needs_review"] is True
    assert set(export.financial_lines[0]) == set(FINANCIAL_SCHEMA.names)
    assert set(export.paragraphs[0]) == set(PARAGRAPH_SCHEMA.names)


@pytest.mark.parametrize(
    ("filters", "amounts", "paragraphs"),
    [
        (Filters(), 8, 4),
        (Filters(municipality="zandvoort"), 4, 2),
        (Filters(year=2024), 4, 2),
        (Filters(document_type="Begroting"), 4, 2),
        (Filters(municipality="Zandvoort", year=2024), 0, 0),
        (Filters(taakveld="6.3"), 4, 4),
        (Filters(taakveld="6"), 6, 4),
        (Filters(taakveld="6.7"), 0, 4),
        (Filters(label="toelichting"), 8, 2),
    ],
)
def test_filters(filters: Filters, amounts: int, paragraphs: int) -> None:
    export = build_export(DOCS, filters)
    assert (len(export.financial_lines), len(export.paragraphs)) == (amounts, paragraphs)


def test_excel_reads_back_with_a_sheet_per_table(tmp_path: Path) -> None:
    export = build_export(DOCS, Filters())
    (path,) = write_export(export, tmp_path, "xlsx")
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["financial_lines", "paragraphs"]
    rows = list(workbook["financial_lines"].iter_rows(values_only=True))
    assert list(rows[0]) == FINANCIAL_SCHEMA.names
    assert len(rows) == 1 + len(export.financial_lines)
    header = list(rows[0])
    first = dict(zip(header, rows[1], strict=True))
    assert first["amount_eur"] == 1_200_000 and first["taakveld"] == "6.3"
    assert first["checks_passed"] is False
    paragraphs = list(workbook["paragraphs"].iter_rows(values_only=True))
    assert paragraphs[2][header.index("document_id")] == "a" * 64
    assert len(paragraphs) == 1 + len(export.paragraphs)


def test_csv_reads_back(tmp_path: Path) -> None:
    export = build_export(DOCS, Filters())
    lines, paragraphs = write_export(export, tmp_path, "csv")
    assert (lines.name, paragraphs.name) == ("financial_lines.csv", "paragraphs.csv")
    with lines.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(export.financial_lines)
    assert rows[2]["printed"] == "(300)" and float(rows[2]["amount_eur"]) == -300_000.0
    assert rows[3]["taakveld"] == "" and rows[3]["total"] == "True"
    with paragraphs.open(encoding="utf-8") as handle:
        assert [r["label"] for r in csv.DictReader(handle)][:2] == ["activiteit", "toelichting"]


def test_parquet_reads_back_with_typed_columns(tmp_path: Path) -> None:
    export = build_export(DOCS, Filters())
    lines, paragraphs = write_export(export, tmp_path, "parquet")
    table = pq.read_table(lines)
    assert table.schema == FINANCIAL_SCHEMA
    assert table.num_rows == len(export.financial_lines)
    assert table.column("amount_eur").to_pylist()[:3] == [1_200_000.0, 1_150_000.0, -300_000.0]
    assert table.column("checks_passed").to_pylist()[3] is None
    assert pq.read_table(paragraphs).column("needs_review").to_pylist() == [False, True] * 2


def test_an_empty_export_still_writes_the_columns(tmp_path: Path) -> None:
    export = build_export(DOCS, Filters(municipality="Elders"))
    lines, _ = write_export(export, tmp_path, "parquet")
    assert pq.read_table(lines).schema == FINANCIAL_SCHEMA
    (path,) = write_export(export, tmp_path, "xlsx")
    rows = list(load_workbook(path, read_only=True)["financial_lines"].iter_rows(values_only=True))
    assert rows == [tuple(FINANCIAL_SCHEMA.names)]
