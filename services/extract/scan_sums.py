"""Minus signs and misplaced figures of scanned tables restored from the table's own arithmetic.

OCR drops a thin minus before an amount more often than it misreads a digit. Where a table's
last amount column is the sum of the others on nearly every row ("Incidenteel + Structureel =
Totaal"), a row that only adds up with one sign turned round was misread in that sign. A figure
read into the label cell beside an empty amount cell goes there when the column total says so.
"""

from __future__ import annotations

from shared.numbers import parse_amount
from shared.years import is_year

from .tuning import ScanCellTuning

# A sum is a total and at least two parts: a table with fewer amount columns, or a row with
# fewer amounts, does not show whether its last column sums the others.
_MIN_SUM_TERMS = 3
# A row can be checked against its total when it holds the total and at least one part.
_MIN_ROW_VALUES = 2


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


def _adds_up(values: dict[int, float], total: int, tuning: ScanCellTuning) -> bool:
    parts = [v for c, v in values.items() if c != total]
    return bool(parts) and abs(sum(parts) - values[total]) <= tuning.sum_slack


def _sum_column(rows: list[list[str]], columns: list[int], tuning: ScanCellTuning) -> int | None:
    """The last amount column when it is the sum of the others on most rows with two parts."""
    if len(columns) < _MIN_SUM_TERMS:
        return None
    total = columns[-1]
    rows_values = [_values(row, columns) for row in rows]
    complete = [v for v in rows_values if v and total in v and len(v) >= _MIN_SUM_TERMS]
    holding = sum(1 for v in complete if _adds_up(v, total, tuning))
    if holding < tuning.sum_min_rows or holding < tuning.sum_row_share * len(complete):
        return None
    return total


def _flipped(text: str) -> str:
    body = text.strip()
    return body[1:] if body.startswith("-") else f"-{body}"


def repair_signs(rows: list[list[str]], columns: list[int], tuning: ScanCellTuning) -> None:
    """Turn round the one sign that makes a row add up, in a table whose last column sums."""
    total = _sum_column(rows, columns, tuning)
    if total is None:
        return
    for row in rows:
        values = _values(row, columns)
        if (
            not values
            or total not in values
            or len(values) < _MIN_ROW_VALUES
            or _adds_up(values, total, tuning)
        ):
            continue
        fixes = [
            col
            for col, value in values.items()
            if value and _adds_up({**values, col: -value}, total, tuning)
        ]
        if len(fixes) == 1:
            row[fixes[0]] = _flipped(row[fixes[0]])


def rows_not_adding_up(
    rows: list[list[str]], columns: list[int], tuning: ScanCellTuning
) -> list[int]:
    """Rows of amounts that do not add up, in a table whose last amount column sums."""
    total = _sum_column(rows, columns, tuning)
    if total is None:
        return []
    return [
        index
        for index, row in enumerate(rows)
        if (values := _values(row, columns))
        and total in values
        and len(values) >= _MIN_ROW_VALUES
        and not _adds_up(values, total, tuning)
    ]


def _column_values(rows: list[list[str]], col: int) -> list[float | None]:
    """Per row the amount in `col`; None for a blank cell, a year or any other text."""
    out: list[float | None] = []
    for row in rows:
        text = row[col].strip()
        out.append(None if is_year(text) else parse_amount(text))
    return out


def _total_confirms(
    values: list[float | None], index: int, value: float, tuning: ScanCellTuning
) -> bool:
    """Some row below `index` is the sum of the column's amounts above it with `value` in row
    `index`, and not without: only then is the figure known to belong to that cell."""
    with_value = [value if i == index else v for i, v in enumerate(values)]
    for total in range(index + 1, len(values)):
        printed = with_value[total]
        parts = [v for v in with_value[:total] if v is not None]
        if printed is None or len(parts) < tuning.sum_min_rows:
            continue
        slack = tuning.sum_slack
        if abs(sum(parts) - printed) <= slack < abs(sum(parts) - value - printed):
            return True
    return False


def restore_spilled_amounts(
    rows: list[list[str]], columns: list[int], tuning: ScanCellTuning
) -> None:
    """An amount OCR read into the label cell goes back to the empty first amount cell.

    A right-aligned label runs up to the first amount column, and a scan can read the two as
    one cell ("Persoonsgebonden budget Wmo 90" beside an empty cell). A label may also end in
    a number of its own ("kleiner dan € 50.000"), so the figure only moves when the column's
    total adds up with it and not without it.
    """
    if not columns or columns[0] == 0:
        return
    first = columns[0]
    values = _column_values(rows, first)
    for index, row in enumerate(rows):
        head, _, last = row[0].strip().rpartition(" ")
        value = parse_amount(last) if head and not is_year(last) else None
        if value is None or row[first].strip() or not any(ch.isalpha() for ch in head):
            continue
        if _total_confirms(values, index, value, tuning):
            row[0], row[first] = head.rstrip(), last
            values[index] = value
