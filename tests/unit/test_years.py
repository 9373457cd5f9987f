from __future__ import annotations

import pytest

from shared.years import YEAR_IN_TEXT, is_year


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2024", True),
        ("1999", True),
        ("2150", False),
        ("1850", False),
        ("20245", False),
        ("2024 ", False),
    ],
)
def test_a_year_is_four_digits_of_this_or_the_last_century(text: str, year: bool) -> None:
    assert is_year(text) is year


def test_years_are_found_in_headers_but_not_inside_numbers() -> None:
    assert YEAR_IN_TEXT.findall("Begroting 2025 na wijziging t.o.v. rekening 2023") == [
        "2025",
        "2023",
    ]
    assert YEAR_IN_TEXT.findall("€ 120245 en 2.024") == []
