"""The Dutch number parser: fixed notations and round trips of formatted numbers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.numbers import (
    MINUS_SIGNS,
    ParsedNumber,
    format_number,
    is_amount,
    is_blank_amount,
    parse_amount,
    parse_number,
    restore_thousands_dot,
)


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("1.234", 1234.0),
        ("-1.234", -1234.0),
        ("(1.234)", -1234.0),
        ("\u22121.234", -1234.0),
        ("\u2013 1.234", -1234.0),
        ("1.234-", -1234.0),
        ("1,5", 1.5),
        ("1.234,56", 1234.56),
        ("€ 819.000", 819000.0),
        ("€819.000", 819000.0),
        ("-€ 819.000", -819000.0),
        ("2,1 miljoen", 2100000.0),
        ("€ 1,2 mln", 1200000.0),
        ("0", 0.0),
        ("12 345", 12345.0),
        ("-/- 1.234", -1234.0),
        ("-/-1.234", -1234.0),
        ("€ -/- 250.000", -250000.0),
        ("\u2212/\u2212 75", -75.0),
        ("+/+ 1.234", 1234.0),
    ],
)
def test_amounts(printed: str, value: float) -> None:
    assert parse_number(printed) == ParsedNumber(value, False)
    assert parse_amount(printed) == value


@pytest.mark.parametrize(
    "printed", ["", " ", "-", "–", "n.v.t.", "abc", "344 (15,4%)", "6.10.0", "1.213 -", "- -"]
)
def test_not_a_number(printed: str) -> None:
    assert parse_number(printed) is None


def test_percentages_are_kept_apart() -> None:
    assert parse_number("12,5%") == ParsedNumber(12.5, True)
    assert parse_number("-3 %") == ParsedNumber(-3.0, True)
    assert parse_amount("12,5%") is None


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integer_round_trip(value: int) -> None:
    assert parse_amount(format_number(value)) == value


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_parenthesised_negatives(value: int) -> None:
    assert parse_amount(format_number(value, parentheses=True)) == value


@given(
    st.decimals(
        min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False
    )
)
def test_decimal_round_trip(value: object) -> None:
    number = float(str(value))
    parsed = parse_amount(format_number(number, decimals=2))
    assert parsed is not None
    assert abs(parsed - number) < 0.005


@given(st.integers(min_value=0, max_value=10**6), st.booleans())
def test_typographic_minus_equals_hyphen(value: int, spaced: bool) -> None:
    printed = format_number(value)
    minus = "\u2212" + (" " if spaced else "")
    assert parse_amount(minus + printed) == parse_amount("-" + printed)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20))
def test_words_are_not_numbers(text: str) -> None:
    if text.strip() not in ("x", "k", "pm"):
        assert parse_number(text) is None or text.strip() == ""


@pytest.mark.parametrize(
    "minus",
    ["\u2212", "\u2013", "\u2014", "\u2012", "\u2015", "\u02d7", "\u2796", "\ufe63", "\uff0d"],
)
def test_every_minus_sign(minus: str) -> None:
    assert parse_amount(f"{minus}1.234") == -1234.0
    assert parse_amount(f"1.234{minus}") == -1234.0
    assert is_blank_amount(minus)


@given(st.text(alphabet="0123456789.,-−–()€%/+ ", max_size=14))
def test_a_table_figure_is_a_number_the_parser_reads(text: str) -> None:
    """Layout's test for a figure and the parser agree: whatever a table column counts as a
    figure, every stage can read. Layout alone forgives a lost parenthesis and spaces inside
    figures, which rules and OCR leave in a cell."""
    whole = text.count("(") == text.count(")") and not re.search(r"[\d.,]\s+[\d.,€]", text)
    if is_amount(text) and whole:
        assert parse_number(text) is not None


@pytest.mark.parametrize("text", ["-/- 1.234", "+/+ 567", "€ -/- 250.000", "-/-12,5%"])
def test_a_dutch_min_or_plus_sign_is_part_of_a_table_figure(text: str) -> None:
    assert is_amount(text) and parse_number(text) is not None


@pytest.mark.parametrize("text", ["Lasten", "2,1 miljoen", "1.234-", "", "€", "12 a"])
def test_text_and_running_text_shapes_are_no_table_figure(text: str) -> None:
    assert not is_amount(text)


@given(st.integers(min_value=1_000, max_value=999_999), st.sampled_from(["", "-", *MINUS_SIGNS]))
def test_an_ocr_thousands_comma_becomes_the_dot_it_was(value: int, minus: str) -> None:
    printed = format_number(value)
    read = restore_thousands_dot(minus + printed.replace(".", ","))
    assert parse_amount(read) == (-value if minus else value)


@pytest.mark.parametrize("text", ["7,5", "12,25", "1,2345", "4,514,000", "a,123"])
def test_only_a_three_digit_group_is_taken_for_thousands(text: str) -> None:
    assert restore_thousands_dot(text) == text
