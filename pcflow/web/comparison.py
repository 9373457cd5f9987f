"""Lasten or baten per taakveld, one column per document, for reports that print them alike
only in part.

A report prints lasten per taakveld in one table among several (an overview beside detail per
subtaakveld), in several columns (begroting before and after change, realisatie, prognose), and
says whether a row is lasten in the column header, in a heading row above it ("Lasten") or in
the caption ("Lasten per taakveld"). Each document therefore contributes one column of one
table: the column that states what the document is about (realisatie of its year for a
jaarverslag, the prognose or the begroting after change of its year for an interim report, the
begroting of its year for a begroting), from the table that covers the most taakvelden. The
chosen column's header is shown with the figures, so a reader sees what is compared.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from shared.documents import Amount, ClassifiedTable, FinancialLine, StructuredDocument

Measure = Literal["lasten", "baten"]
MEASURES: tuple[Measure, ...] = ("lasten", "baten")

# Which column says best what a document reports; differences and mutations never do.
KIND_PREFERENCE = {"realisatie": 3, "prognose": 2, "begroting": 1, "": 0}

_NAMED = {measure: re.compile(rf"\b{measure}\b", re.IGNORECASE) for measure in MEASURES}


def named_measure(text: str) -> Measure | None:
    """The one measure `text` names; None when it names none or both ("baten en lasten")."""
    named = [measure for measure in MEASURES if _NAMED[measure].search(text)]
    return named[0] if len(named) == 1 else None


def heading_measure(table: ClassifiedTable, row: int) -> Measure | None:
    """The measure named by the nearest heading row above `row`: a row with one filled cell."""
    for cells in reversed(table.rows[table.header_rows : row]):
        filled = [cell for cell in cells if cell.strip()]
        if len(filled) == 1 and (measure := named_measure(filled[0])) is not None:
            return measure
    return None


def amount_measure(amount: Amount, line: FinancialLine, table: ClassifiedTable) -> str:
    """Lasten, baten, saldo or empty: from the column, else a heading above, else the caption."""
    if amount.measure:
        return amount.measure
    if line.row is not None and (measure := heading_measure(table, line.row)) is not None:
        return measure
    return named_measure(table.caption) or ""


@dataclass(frozen=True)
class _Column:
    table: int
    column_index: int
    header: str
    preference: tuple[bool, int, int]


def _candidates(doc: StructuredDocument, measure: Measure) -> dict[_Column, dict[str, float]]:
    """Per printed column that holds `measure`: the first amount of each taakveld in it.

    A taakveld printed twice in one table is, in the reports seen, a second view of it (the
    reserve mutations of a programme), not a part to add to the first.
    """
    found: dict[_Column, dict[str, float]] = defaultdict(dict)
    for line in doc.financial_lines:
        if line.total or line.taakveld is None or not 0 <= line.table < len(doc.tables):
            continue
        table = doc.tables[line.table]
        for amount in line.amounts:
            if (
                amount.value_eur is None
                or amount.column_index is None
                or amount.kind not in KIND_PREFERENCE
                or amount_measure(amount, line, table) != measure
            ):
                continue
            column = _Column(
                line.table,
                amount.column_index,
                amount.column,
                (amount.year == doc.info.year, KIND_PREFERENCE[amount.kind], amount.column_index),
            )
            found[column].setdefault(line.taakveld, amount.value_eur)
    return found


class ComparedDocument(BaseModel):
    document_id: str
    title: str
    column: str
    page: int
    caption: str


class ComparisonRow(BaseModel):
    taakveld: str
    name: str
    amounts: list[float | None]


class Comparison(BaseModel):
    measure: Measure
    documents: list[ComparedDocument]
    rows: list[ComparisonRow]
    totals: list[float]
    without: list[str]


def document_title(doc: StructuredDocument) -> str:
    info = doc.info
    parts = [info.municipality, info.document_type, str(info.year or "")]
    return " ".join(part for part in parts if part) or doc.filename or doc.document_id[:12]


def _taakveld_order(code: str) -> tuple[int, str]:
    main, _, _ = code.partition(".")
    return (int(main) if main.isdigit() else 99, code)


def compare(docs: list[StructuredDocument], measure: Measure) -> Comparison:
    """`measure` per taakveld side by side; documents that print none are named in `without`."""
    columns: list[ComparedDocument] = []
    values: list[dict[str, float]] = []
    names: dict[str, str] = {}
    without = []
    for doc in docs:
        candidates = _candidates(doc, measure)
        if not candidates:
            without.append(document_title(doc))
            continue
        covered: dict[int, set[str]] = defaultdict(set)
        for column, found in candidates.items():
            covered[column.table].update(found)
        best = max(candidates, key=lambda c: (len(covered[c.table]), c.preference))
        table = doc.tables[best.table]
        columns.append(
            ComparedDocument(
                document_id=doc.document_id,
                title=document_title(doc),
                column=best.header,
                page=table.page,
                caption=table.caption,
            )
        )
        values.append(candidates[best])
        for line in doc.financial_lines:
            if line.taakveld is not None and line.taakveld_name:
                names.setdefault(line.taakveld, line.taakveld_name)
    codes = sorted({code for found in values for code in found}, key=_taakveld_order)
    return Comparison(
        measure=measure,
        documents=columns,
        rows=[
            ComparisonRow(
                taakveld=code,
                name=names.get(code, ""),
                amounts=[found.get(code) for found in values],
            )
            for code in codes
        ],
        totals=[sum(found.values()) for found in values],
        without=without,
    )
