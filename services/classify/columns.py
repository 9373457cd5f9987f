"""What an amount column means, read from the header rows above it.

Headers stack meanings over several rows ("Begroting 2019 gewijzigd" spanning "Baten | Lasten |
Saldo"); a spanning cell is printed once, so each header row is filled forward across the empty
cells it covers before the rows are read top-down into one description per column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.classify.cues import normalise
from shared.numbers import parse_number
from shared.years import YEAR_IN_TEXT

__all__ = ["ColumnMeaning", "column_headers", "describe_column", "find_unit"]

_MEASURES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bsaldo\b|\bnetto\b|\bresultaat\b"), "saldo"),
    (re.compile(r"\blasten\b|\buitgaven\b|\bkosten\b"), "lasten"),
    (re.compile(r"\bbaten\b|\binkomsten\b|\bopbrengsten\b"), "baten"),
]
_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bafwijking|\bverschil\b|\bafw\b"), "afwijking"),
    (re.compile(r"\bvoordeel\b"), "voordeel"),
    (re.compile(r"\bnadeel\b"), "nadeel"),
    (re.compile(r"\bmutatie|\bwijziging|\bbijstelling"), "mutatie"),
    (re.compile(r"\bprognose|\bverwachting|\bverwacht\b"), "prognose"),
    (
        re.compile(r"\brealisatie|\brekening\b|\bwerkelijk|\bjaarrekening|\bgerealiseerd"),
        "realisatie",
    ),
    (re.compile(r"\bbegroting|\braming|\bbudget|\bbegroot|\bprimitief|\bgewijzigd"), "begroting"),
]
_UNIT_PATTERNS: list[tuple[re.Pattern[str], float]] = [
    (
        re.compile(
            r"(?:x|in|maal|bedragen)\s*(?:€|eur|euro)?\s*1[.,]?000[.,]?000\b"
            r"|\bx\s*(?:€\s*)?(?:1\s*)?(?:mln|miljoen)|\bin miljoenen"
        ),
        1e6,
    ),
    (
        re.compile(
            r"(?:x|in|maal|bedragen)\s*(?:€|eur|euro)?\s*1[.,]?000\b"
            r"|\bx\s*(?:€\s*)?(?:1\s*)?(?:duizend|dzd)|\bin duizenden"
            r"|\b(?:€|eur)\s*1[.,]000\b|k€|€\s*k\b|x\s*€\s*1\s*000"
        ),
        1e3,
    ),
    (
        # "bedragen in €", "in euro's", "x € 1,-": whole euros, stated as plainly as a multiplier.
        re.compile(
            r"\b(?:bedragen|in|x)\s*(?:hele\s+)?(?:€|eur\b|euro(?:'?s)?\b)"
            r"(?!\s*(?:x\s*)?\d|\s*(?:mln|miljoen|miljard|duizend|dzd|k)\b)"
            r"|\bx\s*€\s*1\b(?![.,\s]*\d)"
        ),
        1.0,
    ),
]


@dataclass(frozen=True)
class ColumnMeaning:
    header: str
    measure: str
    kind: str
    year: int | None
    group: str


def find_unit(*texts: str) -> float | None:
    """The multiplier the first text that states one gives ("x € 1.000" -> 1000), if any.

    Within one text the last statement wins: text before a table is read up to the table, so
    the caption right above it outweighs a sentence about an earlier table.
    """
    for text in texts:
        norm = normalise(text).replace("\u00a0", " ")
        found = [(m.end(), unit) for p, unit in _UNIT_PATTERNS for m in p.finditer(norm)]
        if found:
            return max(found)[1]
    return None


def _is_header_noise(cell: str) -> bool:
    return find_unit(cell) is not None


def _names_own_column(rows: list[list[str]], depth: int, header_rows: int, col: int) -> bool:
    """The header text below `depth` in this column states its own kind or year.

    Such a column is not covered by a spanning cell to its left: the upper text there is the
    first line of a neighbour's wrapped header ("Raming / 2017 na / wijziging").
    """
    below = " ".join(r[col] for r in rows[depth + 1 : header_rows] if col < len(r))
    norm = normalise(below)
    return bool(YEAR_IN_TEXT.search(norm)) or any(p.search(norm) for p, _ in _KINDS)


def column_headers(rows: list[list[str]], header_rows: int, width: int) -> list[tuple[str, str]]:
    """Per column: (full header text, the upper group text) with spanning cells filled forward."""
    filled: list[list[str]] = []
    for depth, row in enumerate(rows[:header_rows]):
        cells = [" ".join(c.split()) for c in row] + [""] * (width - len(row))
        out: list[str] = []
        last = ""
        for index, cell in enumerate(cells[:width]):
            if _is_header_noise(cell):
                cell = ""
            if cell:
                last = cell
                out.append(cell)
            elif (
                depth < header_rows - 1
                and index > 0
                and not _names_own_column(rows, depth, header_rows, index)
            ):
                out.append(last)
            else:
                out.append("")
        filled.append(out)
    result: list[tuple[str, str]] = []
    for col in range(width):
        parts = [row[col] for row in filled if row[col]]
        full = " ".join(dict.fromkeys(parts))
        group = " ".join(dict.fromkeys(parts[:-1])) if len(parts) > 1 else ""
        result.append((full, group))
    return result


def describe_column(header: str, group: str) -> ColumnMeaning:
    norm = normalise(header)
    measure = next((m for p, m in _MEASURES if p.search(norm)), "")
    found = [(m.start(), k) for p, k in _KINDS if (m := p.search(norm))]
    kind = min(found)[1] if found else ""
    years = YEAR_IN_TEXT.findall(norm)
    year = int(years[-1]) if years else None
    return ColumnMeaning(header=header, measure=measure, kind=kind, year=year, group=group)


# The years a column header of a P&C report names: budgets and accounts since the BBV's
# predecessors up to long-term plans; a number outside them in a header is an amount.
_FIRST_HEADER_YEAR = 1990
_LAST_HEADER_YEAR = 2100


def is_year_header(cell: str) -> bool:
    parsed = parse_number(cell)
    return (
        parsed is not None
        and not parsed.is_percentage
        and _FIRST_HEADER_YEAR <= parsed.value <= _LAST_HEADER_YEAR
    )
