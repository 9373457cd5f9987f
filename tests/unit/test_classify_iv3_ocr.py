"""Taakveld codes as OCR reads them: a colon for a dot, a lost dot, a bracket speck."""

from __future__ import annotations

import pytest

from shared.iv3 import label_taakvelden, normalise_taakveld


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("6:71.2 Huishoudelijke ondersteuning", "6.71"),
        ("6.601 Maatwerkvoorzieningen (WMO)", "6.6"),
        ("[ 6.30.8 Participatiewet beheer", "6.3"),
        ("6.60.1 Maatwerkvoorzieningen (WMO)", "6.6"),
    ],
)
def test_ocr_misreadings_of_a_code_still_name_the_taakveld(label: str, code: str) -> None:
    assert normalise_taakveld(label, 2019) == code


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Persoonsgebonden budgetWmo", "6.791"),
        ("Jeugdhulp behandeling", "6.752"),
        ("Persoonsgebonden budget", None),
    ],
)
def test_an_official_name_with_a_space_lost_by_ocr_still_names_the_taakveld(
    label: str, code: str | None
) -> None:
    assert normalise_taakveld(label, 2025) == code


@pytest.mark.parametrize(
    ("label", "codes"),
    [
        ("GB1 - Maatwerk geëscaleerde zorg 18+", ("6.81",)),
        ("6.7l Maatwerkdienstverlening 18+", ("6.71",)),
        ("Go 12 fietsen", ()),
        ("B2 Bijstand", ()),
    ],
)
def test_a_code_read_partly_as_letters_counts_when_the_name_agrees(
    label: str, codes: tuple[str, ...]
) -> None:
    assert label_taakvelden(label, 2022) == codes
