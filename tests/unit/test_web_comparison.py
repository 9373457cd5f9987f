"""Which printed column and table a document contributes to the comparison, and where a row's
lasten or baten is said."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcflow.evaluate import classify_file
from pcflow.web.comparison import amount_measure, compare, named_measure
from shared.documents import (
    Amount,
    ClassifiedTable,
    DocumentInfo,
    FinancialLine,
    StructuredDocument,
)

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dev"


def _amount(value: float, column: int, kind: str, year: int | None, measure: str = "") -> Amount:
    return Amount(
        printed=str(value),
        value_eur=value,
        column=f"{kind} {year or ''}".strip(),
        kind=kind,
        year=year,
        measure=measure,
        column_index=column,
    )


def _line(
    taakveld: str | None, table: int, row: int, *amounts: Amount, total: bool = False
) -> FinancialLine:
    return FinancialLine(
        label=taakveld or "Totaal",
        taakveld=taakveld,
        taakveld_name=f"naam {taakveld}",
        page=1,
        table=table,
        row=row,
        amounts=list(amounts),
        total=total,
    )


def _doc(
    doc_id: str,
    tables: list[ClassifiedTable],
    lines: list[FinancialLine],
    document_type: str = "jaarverslag",
    year: int = 2022,
) -> StructuredDocument:
    return StructuredDocument(
        document_id=doc_id,
        pipeline_version="test",
        info=DocumentInfo(municipality=doc_id, document_type=document_type, year=year),
        page_count=1,
        tables=tables,
        financial_lines=lines,
    )


def _table(caption: str, rows: list[list[str]]) -> ClassifiedTable:
    return ClassifiedTable(page=1, kind="financial", caption=caption, header_rows=1, rows=rows)


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("Lasten per taakveld", "lasten"),
        ("Totaal baten", "baten"),
        ("Overzicht baten en lasten programma 3", None),
        ("Prognose sociaal domein 2024", None),
        ("Lastendruk", None),
    ],
)
def test_a_text_names_a_measure_only_when_it_names_one(text: str, measure: str | None) -> None:
    assert named_measure(text) == measure


def test_the_measure_comes_from_the_column_then_a_heading_row_then_the_caption() -> None:
    table = _table(
        "Overzicht lasten",
        [["Taakveld", "2022"], ["Baten", ""], ["6.1 Samenkracht", "5"], ["6.2 Wijkteams", "6"]],
    )
    under_heading = _line("6.1", 0, 2, _amount(5, 1, "realisatie", 2022))
    assert amount_measure(under_heading.amounts[0], under_heading, table) == "baten"
    column = _amount(5, 1, "realisatie", 2022, measure="saldo")
    assert amount_measure(column, under_heading, table) == "saldo"
    no_heading = _table("Overzicht lasten", [["Taakveld", "2022"], ["6.1 Samenkracht", "5"]])
    line = _line("6.1", 0, 1, _amount(5, 1, "realisatie", 2022))
    assert amount_measure(line.amounts[0], line, no_heading) == "lasten"


def test_the_column_of_the_reports_own_year_and_kind_is_compared() -> None:
    table = _table(
        "Lasten per taakveld",
        [["Taakveld", "Realisatie 2021", "Begroting 2022", "Realisatie 2022", "Verschil"]],
    )
    lines = [
        _line(
            code,
            0,
            row,
            _amount(10 * row, 1, "realisatie", 2021),
            _amount(20 * row, 2, "begroting", 2022),
            _amount(30 * row, 3, "realisatie", 2022),
            _amount(1, 4, "afwijking", 2022),
        )
        for row, code in enumerate(["6.1", "6.3"], start=1)
    ]
    comparison = compare([_doc("jv", [table], lines)], "lasten")
    assert comparison.documents[0].column == "realisatie 2022"
    assert [row.amounts for row in comparison.rows] == [[30.0], [60.0]]


def test_a_begroting_compares_its_own_year_not_an_earlier_realisatie() -> None:
    table = _table("Lasten", [["Taakveld", "Realisatie 2023", "Begroting 2025"]])
    line = _line("6.1", 0, 1, _amount(1, 1, "realisatie", 2023), _amount(2, 2, "begroting", 2025))
    comparison = compare([_doc("b", [table], [line], "begroting", 2025)], "lasten")
    assert comparison.rows[0].amounts == [2.0]


def test_the_table_covering_most_taakvelden_wins_and_a_repeated_taakveld_counts_once() -> None:
    overview = _table("Lasten per taakveld", [["Taakveld", "Realisatie 2022"]])
    detail = _table("Lasten 6.1 per product", [["Product", "Realisatie 2022"]])
    lines = [
        _line("6.1", 1, 1, _amount(7, 1, "realisatie", 2022)),
        _line("6.1", 0, 1, _amount(100, 1, "realisatie", 2022)),
        _line("6.3", 0, 2, _amount(200, 1, "realisatie", 2022)),
        _line("6.3", 0, 3, _amount(5, 1, "realisatie", 2022)),
        _line(None, 0, 4, _amount(305, 1, "realisatie", 2022), total=True),
    ]
    comparison = compare([_doc("jv", [overview, detail], lines)], "lasten")
    assert {row.taakveld: row.amounts for row in comparison.rows} == {
        "6.1": [100.0],
        "6.3": [200.0],
    }
    assert comparison.totals == [300.0]


def test_documents_side_by_side_and_those_without_the_measure_named() -> None:
    table = _table("Lasten per taakveld", [["Taakveld", "Realisatie 2022"]])
    a = _doc("Aa", [table], [_line("6.1", 0, 1, _amount(1, 1, "realisatie", 2022))])
    b = _doc("Bb", [table], [_line("6.2", 0, 1, _amount(2, 1, "realisatie", 2022))])
    c = _doc("Cc", [_table("Baten", [["", "2022"]])], [_line("6.2", 0, 1, _amount(3, 1, "", 2022))])
    comparison = compare([a, b, c], "lasten")
    assert [d.title for d in comparison.documents] == ["Aa jaarverslag 2022", "Bb jaarverslag 2022"]
    assert [(row.taakveld, row.amounts) for row in comparison.rows] == [
        ("6.1", [1.0, None]),
        ("6.2", [None, 2.0]),
    ]
    assert comparison.without == ["Cc jaarverslag 2022"]


@pytest.mark.skipif(not DEV.is_dir(), reason="corpus not present")
@pytest.mark.parametrize(
    ("report", "column", "taakveld", "lasten"),
    [
        ("bergdijk-jaarverslag-2022-A", "Rekening 2022", "6.3", 37_655_000),
        ("hengelo-jaarverslag-2019-A", "Rekening 2019", "6.72", 21_014_000),
        ("rivierstad-begroting-2025-A", "Begroting 2025", "6.811", 63_920_000),
        ("westerbroek-tussenrapportage-2023-A", "Prognose 2023", "6.71", 4_689_300),
    ],
)
def test_lasten_per_taakveld_of_the_dev_reports(
    report: str, column: str, taakveld: str, lasten: float
) -> None:
    comparison = compare([classify_file(DEV / f"{report}.pdf")], "lasten")
    assert comparison.documents[0].column == column
    amounts = {row.taakveld: row.amounts[0] for row in comparison.rows}
    assert amounts[taakveld] == lasten
