"""Minus signs of scanned tables restored from the table's own arithmetic.

OCR drops a thin minus before an amount more often than it misreads a digit. Where a table's
last amount column is the sum of the others on nearly every row ("Incidenteel + Structureel =
Totaal"), a row that only adds up with one sign turned round was misread in that sign.
"""

from __future__ import annotations

from shared.numbers import parse_amount

# Rows with at least two parts that add up before a sum column is believed.
MIN_SUM_ROWS = 3
# Share of the rows with parts that must add up; a misread or two must not hide the sum.
SUM_ROW_SHARE = 0.6
# Printed amounts are whole units; a sum may differ by rounding in the last digit.
SUM_SLACK = 1.0


def _values(row: list[str], columns: list[int]) -> dict[int, float] | None:
    """The amounts of a row's columns, or None when a filled cell is no amount."""
    values: dict[int, float] = {}
    for col in columns:
        if not row[col].strip():
            continue
        value = parse_amount(row[col])
        if value is None:
            return None
        values[col] = value
    return values


def _adds_up(values: dict[int, float], total: int) -> bool:
    parts = [v for c, v in values.items() if c != total]
    return bool(parts) and abs(sum(parts) - values[total]) <= SUM_SLACK


def _sum_column(rows: list[list[str]], columns: list[int]) -> int | None:
    """The last amount column when it is the sum of the others on most rows with two parts."""
    if len(columns) < 3:
        return None
    total = columns[-1]
    rows_values = [_values(row, columns) for row in rows]
    complete = [v for v in rows_values if v and total in v and len(v) >= 3]
    holding = sum(1 for v in complete if _adds_up(v, total))
    if holding < MIN_SUM_ROWS or holding < SUM_ROW_SHARE * len(complete):
        return None
    return total


def _flipped(text: str) -> str:
    body = text.strip()
    return body[1:] if body.startswith("-") else f"-{body}"


def repair_signs(rows: list[list[str]], columns: list[int]) -> None:
    """Turn round the one sign that makes a row add up, in a table whose last column sums."""
    total = _sum_column(rows, columns)
    if total is None:
        return
    for row in rows:
        values = _values(row, columns)
        if not values or total not in values or len(values) < 2 or _adds_up(values, total):
            continue
        fixes = [
            col
            for col, value in values.items()
            if value and _adds_up({**values, col: -value}, total)
        ]
        if len(fixes) == 1:
            row[fixes[0]] = _flipped(row[fixes[0]])
