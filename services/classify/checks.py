"""Arithmetic checks of financial tables, in the table's own sign convention.

A printed table is internally consistent when every totals row equals the sum of the lines it
closes and every saldo equals baten minus lasten (or baten plus lasten where lasten are printed
negative). Printed amounts are rounded, so a difference of up to half a unit per term passes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from services.classify.cues import normalise
from services.classify.tuning import DEFAULT, CheckTuning
from shared.documents import Check, FinancialLine

__all__ = ["check_table"]

_SUM_TOTAL = re.compile(r"^(?:sub)?totaa?l\b(?!.*\bsaldo\b)")
_SALDO = re.compile(
    r"^(?:totaal |gerealiseerde? |geraamde? )*(?:totaal )?saldo\b"
    r"|\bsaldo (?:van )?baten en lasten\b"
)
_LASTEN = re.compile(r"^(?:totaal |subtotaal )?lasten\b|^totaal lasten\b")
_BATEN = re.compile(r"^(?:totaal |subtotaal )?baten\b|^totaal baten\b")
_RESULT = re.compile(r"\bresultaat\b")
_ADD_RESERVE = re.compile(r"\btoevoeging(?:en)?\b.*\breserve")
_TAKE_RESERVE = re.compile(r"\bonttrekking(?:en)?\b.*\breserve")

_DEVIATION_KINDS = {"afwijking", "voordeel", "nadeel", "mutatie"}
_MEASURE_WORD = re.compile(r"\b(?:baten|lasten|saldo)\b")

Values = dict[int, float]


def _values(line: FinancialLine) -> Values:
    return {
        a.column_index: a.value_eur
        for a in line.amounts
        if a.column_index is not None and a.value_eur is not None
    }


# The figures a saldo is computed from: baten and lasten.
_SALDO_TERMS = 2
# The figures a resultaat is computed from: the saldo and the additions to and withdrawals from
# reserves.
_RESULT_TERMS = 3


@dataclass(frozen=True)
class _Tolerance:
    """How far a computed figure may be from the printed one in a table of this unit."""

    unit: float
    tuning: CheckTuning

    def close(self, a: float, b: float, terms: int) -> bool:
        return (
            abs(a - b)
            <= self.unit * self.tuning.rounding_per_term * (terms + 1) + self.tuning.slack_eur
        )


def _sum_matches(total: Values, parts: Sequence[Values], tolerance: _Tolerance) -> tuple[bool, str]:
    columns = sorted(total)
    bad = []
    for col in columns:
        summed = sum(p.get(col, 0.0) for p in parts)
        if not tolerance.close(summed, total[col], len(parts)):
            bad.append(f"column {col}: lines sum to {summed:,.0f}, total {total[col]:,.0f}")
    return not bad, "; ".join(bad) or f"{len(parts)} lines over {len(columns)} columns"


def _total_checks(
    lines: list[FinancialLine], section_rows: set[int], tolerance: _Tolerance, first: int
) -> list[Check]:
    checks: list[Check] = []
    for index, line in enumerate(lines):
        if index < first or not line.total or not _SUM_TOTAL.search(normalise(line.label)):
            continue
        run: list[FinancialLine] = []
        for earlier in reversed(lines[:index]):
            if earlier.total:
                break
            run.append(earlier)
        if not run:
            continue
        run.reverse()
        total = _values(line)
        passed, detail = _sum_matches(total, [_values(p) for p in run], tolerance)
        if not passed and line.row is not None:
            starts = [r for r in section_rows if line.row is not None and r < line.row]
            if starts:
                start = max(starts)
                own = lines[first:index]
                inner = [p for p in own if not p.total and p.row is not None and p.row > start]
                if inner:
                    passed, detail = _sum_matches(total, [_values(p) for p in inner], tolerance)
        checks.append(Check(name=f"total: {line.label}", passed=passed, detail=detail))
    return checks


def _deviation_columns(lines: list[FinancialLine]) -> set[int]:
    return {
        a.column_index
        for line in lines
        for a in line.amounts
        if a.column_index is not None and a.kind in _DEVIATION_KINDS
    }


def _nearest_above(
    lines: list[FinancialLine], index: int, patterns: Sequence[re.Pattern[str]]
) -> list[Values | None]:
    """For each pattern, the values of the nearest line above `index` whose label it matches.

    A line serves only the first pattern it matches that is still open, so one line is never
    read as two of the terms a computed row is checked against.
    """
    found: list[Values | None] = [None] * len(patterns)
    for earlier in reversed(lines[:index]):
        label = normalise(earlier.label)
        for k, pattern in enumerate(patterns):
            if found[k] is None and pattern.search(label):
                found[k] = _values(earlier)
                break
    return found


def _saldo_rows(lines: list[FinancialLine], tolerance: _Tolerance, first: int) -> list[Check]:
    """A saldo row against the nearest totals of baten and lasten above it.

    Lasten printed negative make saldo = baten + lasten. A deviation column may state both
    deviations as voordeel (+) or nadeel (-), in which case the saldo deviation is their sum.
    """
    checks: list[Check] = []
    deviations = _deviation_columns(lines)
    for index, line in enumerate(lines):
        if index < first or not _SALDO.search(normalise(line.label)):
            continue
        baten, lasten = _nearest_above(lines, index, (_BATEN, _LASTEN))
        if baten is None or lasten is None:
            continue
        saldo = _values(line)
        plain = [v for c, v in lasten.items() if c not in deviations]
        negative = sum(v < 0 for v in plain)
        sign = 1.0 if plain and negative > len(plain) - negative else -1.0
        bad = []
        for col, value in saldo.items():
            b, l_ = baten.get(col, 0.0), lasten.get(col, 0.0)
            expected = [b + sign * l_] + ([b - sign * l_] if col in deviations else [])
            if not any(tolerance.close(value, e, _SALDO_TERMS) for e in expected):
                bad.append(f"column {col}: saldo {value:,.0f}, baten {b:,.0f}, lasten {l_:,.0f}")
        checks.append(
            Check(
                name=f"saldo: {line.label}",
                passed=not bad,
                detail="; ".join(bad) or "saldo = baten - lasten",
            )
        )
    return checks


def _result_rows(lines: list[FinancialLine], tolerance: _Tolerance, first: int) -> list[Check]:
    """Resultaat = saldo - toevoegingen aan + onttrekkingen uit reserves."""
    checks: list[Check] = []
    deviations = _deviation_columns(lines)
    for index, line in enumerate(lines):
        label = normalise(line.label)
        if index < first or not _RESULT.search(label) or _SALDO.search(label):
            continue
        saldo, add, take = _nearest_above(lines, index, (_SALDO, _ADD_RESERVE, _TAKE_RESERVE))
        if saldo is None or (add is None and take is None):
            continue
        result = _values(line)
        bad = []
        for col, value in result.items():
            reserves = (take or {}).get(col, 0.0) - (add or {}).get(col, 0.0)
            expected = [saldo.get(col, 0.0) + reserves]
            if col in deviations:
                expected.append(saldo.get(col, 0.0) - reserves)
            if not any(tolerance.close(value, e, _RESULT_TERMS) for e in expected):
                bad.append(f"column {col}: resultaat {value:,.0f}, expected {expected[0]:,.0f}")
        checks.append(
            Check(name=f"resultaat: {line.label}", passed=not bad, detail="; ".join(bad) or "ok")
        )
    return checks


def _saldo_columns(lines: list[FinancialLine], tolerance: _Tolerance) -> list[Check]:
    """Within each column group, saldo = baten - lasten on every line."""
    groups: dict[tuple[str, int | None, str], dict[str, int]] = {}
    for line in lines:
        for amount in line.amounts:
            if amount.measure and amount.column_index is not None:
                key = (
                    amount.kind,
                    amount.year,
                    _MEASURE_WORD.sub("", normalise(amount.column)).strip(),
                )
                groups.setdefault(key, {})[amount.measure] = amount.column_index
    checks: list[Check] = []
    for key, cols in groups.items():
        if not {"baten", "lasten", "saldo"} <= cols.keys():
            continue
        bad = []
        lasten_negative = any(_values(line).get(cols["lasten"], 0.0) < 0 for line in lines)
        sign = 1.0 if lasten_negative else -1.0
        for line in lines:
            values = _values(line)
            if cols["saldo"] not in values:
                continue
            b = values.get(cols["baten"], 0.0)
            l_ = values.get(cols["lasten"], 0.0)
            s = values[cols["saldo"]]
            if not tolerance.close(s, b + sign * l_, _SALDO_TERMS):
                bad.append(f"{line.label}: saldo {s:,.0f}, baten {b:,.0f}, lasten {l_:,.0f}")
        group = " ".join(str(k) for k in key if k)
        checks.append(
            Check(
                name=f"saldo columns: {group}".strip(),
                passed=not bad,
                detail="; ".join(bad[:5])
                or f"saldo = baten {'+' if lasten_negative else '-'} lasten on {len(lines)} lines",
            )
        )
    return checks


def check_table(
    lines: list[FinancialLine],
    section_rows: set[int],
    unit: float,
    carried: list[FinancialLine] | None = None,
    tuning: CheckTuning = DEFAULT.checks,
) -> list[Check]:
    """All arithmetic relations the table's labels and headers make checkable.

    `carried` holds the lines of the same table printed on the previous page, when the
    extractor delivered the continuation as a table of its own: a total may close them too.
    """
    before = list(carried or [])
    everything = before + lines
    first = len(before)
    tolerance = _Tolerance(unit, tuning)
    return (
        _total_checks(everything, section_rows, tolerance, first)
        + _saldo_rows(everything, tolerance, first)
        + _result_rows(everything, tolerance, first)
        + _saldo_columns(lines, tolerance)
    )
