"""The one Dutch number parser of pcflow.

Reports print amounts the Dutch way (1.234,5), negatives as -1.234, (1.234) or with a
typographic minus, blanks as "-" and sometimes words ("2,1 miljoen"). Every stage that reads a
printed number goes through `parse_number`, so a table cell, a header year and an amount in a
sentence are read identically, and percentages never leak into amounts. Telling a figure from
text while laying out a page (`is_amount`) and undoing OCR's thousands comma
(`restore_thousands_dot`) live here too, so each of those rules has one owner.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "MINUS_SIGNS",
    "ParsedNumber",
    "format_number",
    "is_amount",
    "is_blank_amount",
    "parse_amount",
    "parse_number",
    "restore_thousands_dot",
]


@dataclass(frozen=True)
class ParsedNumber:
    """A printed number: its value and whether it was printed as a percentage."""

    value: float
    is_percentage: bool = False


# Every sign typesetters and OCR print for minus (NFKC folds the small and full-width forms):
# minus sign, en and em dash, figure dash, hyphens, horizontal bar, modifier-letter and heavy minus,
# two- and three-em dashes.
MINUS_SIGNS = "\u2212\u2013\u2014\u2012\u2010\u2011\u2015\u02d7\u2796\u2e3a\u2e3b"
_BLANKS = {"", "-", "--", "—", "–", "−", "n.v.t.", "nvt", "n.v.t", "x", "p.m.", "pm", "nihil"}
_SCALE_WORDS = {
    "duizend": 1e3,
    "dzd": 1e3,
    "k": 1e3,
    "mln": 1e6,
    "mln.": 1e6,
    "miljoen": 1e6,
    "mio": 1e6,
    "mrd": 1e9,
    "mrd.": 1e9,
    "miljard": 1e9,
}
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_PLAIN = re.compile(r"\d+(?:,\d+)?")
_POINT_DECIMAL = re.compile(r"\d+\.\d{1,2}")
_COMMA_DECIMAL_ONLY = re.compile(r",\d+")
# A figure as tables set one: grouped or plain digits, a decimal comma, a leading minus of any
# kind or the Dutch "-/-", parentheses (one of them may be lost to a rule), a euro sign, a
# percent sign.
_SIGN = r"(?:[-−–]|-/-|\+/\+)?"
_TABLE_FIGURE = re.compile(rf"^\(?€?{_SIGN}€?(?:\d{{1,3}}(?:\.\d{{3}})*|\d+)(?:,\d+)?\)?%?€?$")
# OCR reads the thousands dot as a comma; amounts with three decimals do not occur in print.
_COMMA_GROUP = re.compile(rf"^(\(?[-{MINUS_SIGNS}]?\d{{1,3}}),(\d{{3}}\)?)$")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for ch in MINUS_SIGNS:
        text = text.replace(ch, "-")
    return " ".join(text.split())


def is_blank_amount(text: str) -> bool:
    """A cell that stands for "no amount" rather than for a number or for text."""
    return _clean(text).casefold().strip() in _BLANKS


def _digits_value(body: str) -> float | None:
    """The value of an unsigned Dutch digit string, or None when it is not one."""
    if _GROUPED.fullmatch(body) or _PLAIN.fullmatch(body):
        return float(body.replace(".", "").replace(",", "."))
    if _COMMA_DECIMAL_ONLY.fullmatch(body):
        return float("0" + body.replace(",", "."))
    if _POINT_DECIMAL.fullmatch(body):
        return float(body)
    return None


def parse_number(text: str) -> ParsedNumber | None:
    """Read one printed number; None for blanks, dashes and anything that is not one number.

    Accepted: 1.234 / -1.234 / (1.234) / 1.234- / U+2212 or any other minus sign / +12 / 1,5 /
    -/- 1.234 / +/+ 1.234 /
    € 819.000 / 2,1 miljoen / € 1,2 mln / 12,5% / 12,5 %. A dot followed by exactly three
    digits groups thousands; a lone comma is the decimal sign.
    """
    s = _clean(text)
    if not s or s.casefold() in _BLANKS:
        return None
    s = s.replace("EUR", "").replace("€", "").replace("\u00a0", " ").strip()
    percentage = False
    if s.endswith("%"):
        percentage = True
        s = s[:-1].strip()
    scale = 1.0
    parts = s.rsplit(" ", 1)
    if len(parts) == 2 and parts[1].casefold() in _SCALE_WORDS and not percentage:
        scale = _SCALE_WORDS[parts[1].casefold()]
        s = parts[0].strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative = True
        s = s[1:-1].strip()
    if s.startswith("€"):
        s = s[1:].strip()
    if s.startswith(("-/-", "+/+")):
        # Dutch financial prose and tables write "min" and "plus" as "-/-" and "+/+"
        negative = negative != (s[0] == "-")
        s = s[3:].strip()
    elif s.startswith(("-", "+")):
        negative = negative != (s[0] == "-")
        s = s[1:].strip()
    elif s.endswith("-") and len(s) > 1 and not s[-2].isspace():
        negative = not negative
        s = s[:-1].strip()
    if s.startswith("€"):
        s = s[1:].strip()
    s = s.replace(" ", "") if re.fullmatch(r"\d{1,3}(?: \d{3})+(?:,\d+)?", s) else s
    value = _digits_value(s)
    if value is None:
        return None
    value *= scale
    return ParsedNumber(-value if negative else value, percentage)


def parse_amount(text: str) -> float | None:
    """A printed amount (not a percentage) as a float, or None."""
    parsed = parse_number(text)
    if parsed is None or parsed.is_percentage:
        return None
    return parsed.value


def format_number(value: float, decimals: int = 0, parentheses: bool = False) -> str:
    """Print a number the Dutch way: thousands with dots, decimals with a comma."""
    text = f"{abs(value):,.{decimals}f}"
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    if value < 0 and float(f"{abs(value):.{decimals}f}") != 0:
        return f"({text})" if parentheses else f"-{text}"
    return text


def is_amount(cell: str) -> bool:
    """Whether a cell is one figure as tables print it: 1.234, -10.382, (1.234), 7,5 or 12%.

    Stricter than `parse_number`, which also reads scale words, a trailing minus and a point
    decimal because running text prints them: laying out a page, only a table's own shapes
    tell a column of figures from a column of text.
    """
    t = cell.replace(" ", "")
    return bool(t) and bool(_TABLE_FIGURE.match(t))


def restore_thousands_dot(token: str) -> str:
    """An OCR-read amount with its thousands comma turned back into a dot ("4,514" -> "4.514",
    "(-1,234)" -> "(-1.234)"); any other token unchanged."""
    return _COMMA_GROUP.sub(r"\1.\2", token)
