"""Iv3 taakvelden: the official list by year and the normaliser from every printed notation."""

from __future__ import annotations

import pytest

from shared.iv3 import label_taakvelden, normalise_taakveld, taakveld_name, taakvelden


@pytest.mark.parametrize(
    ("label", "year", "code"),
    [
        ("630 - Inkomensregelingen", 2022, "6.3"),
        ("6.3 Inkomensregelingen", 2019, "6.3"),
        ("Taakveld 6.3.", 2019, "6.3"),
        ("Taakveld 6.1. Samenkracht en burgerparticipatie", 2019, "6.1"),
        ("6.30.1 Inkomensvoorziening", 2019, "6.3"),
        ("6.10.0 Sociaal Werk (in de wijk)", 2019, "6.1"),
        ("620.1 Toegang tot maatwerkvoorzieningen", 2019, "6.2"),
        ("671 Maatwerkdienstverlening 18+", 2022, "6.71"),
        ("671 - Maatwerkdienstverlening 18+", None, "6.71"),
        ("6.71.2 Huishoudelijke ondersteuning", 2019, "6.71"),
        ("010 Mutaties reserves", 2022, "0.10"),
        ("0.10 Mutaties reserves", 2022, "0.10"),
        ("010 Bestuur", 2022, "0.1"),
        ("070 Algemene uitkering", 2022, "0.7"),
        ("Totaal 6.1 Samenkracht en burgerparticipatie", 2019, "6.1"),
        ("660 Maatwerkvoorzieningen (Wmo)", 2019, "6.6"),
        ("660 Maatwerkvoorzieningen (Wmo)", 2025, "6.60"),
        ("6711 Huishoudelijke hulp", 2025, "6.711"),
        ("6.711 Huishoudelijke hulp (Wmo)", 2025, "6.711"),
        ("6.821 Jeugdbescherming", 2026, "6.821"),
        ("Inkomensregelingen", 2019, "6.3"),
    ],
)
def test_notations(label: str, year: int | None, code: str) -> None:
    assert normalise_taakveld(label, year) == code


@pytest.mark.parametrize(
    "label",
    ["Saldo 6 Sociaal domein", "Totaal baten", "Toevoeging reserves", "Directe lasten", "2019"],
)
def test_not_a_taakveld(label: str) -> None:
    assert normalise_taakveld(label, 2019) is None


def test_sociaal_domein_split_from_2025() -> None:
    before = {tv.code for tv in taakvelden(2024)}
    after = {tv.code for tv in taakvelden(2025)}
    assert {"6.2", "6.6", "6.71", "6.72", "6.81", "6.82"} <= before - after
    split = {"6.21", "6.22", "6.23", "6.60", "6.711", "6.714", "6.751", "6.763"}
    split |= {"6.791", "6.792", "6.811", "6.812", "6.821", "6.822", "6.91", "6.92"}
    assert split <= after - before
    assert {"0.10", "0.11", "6.1", "6.3", "8.3"} <= before & after


def test_names() -> None:
    assert taakveld_name("6.3") == "Inkomensregelingen"
    assert taakveld_name("0.10") == "Mutaties reserves"
    assert taakveld_name("9.9") is None
    assert taakveld_name(None) is None


@pytest.mark.parametrize(
    ("label", "year", "codes"),
    [
        ("Inkomensregelingen (6.3)", 2024, ("6.3",)),
        ("Nieuwbouw wijkcentrum De Kade (taakveld 6.1)", 2025, ("6.1",)),
        ("Tussenvoorziening beschermd wonen, 16 units (taakveld 6.811)", 2025, ("6.811",)),
        ("Uitbreiding (taakveld 671)", 2022, ("6.71",)),
        ("Wmo (6.6, 6.71 en 6.81)", 2024, ("6.6", "6.71", "6.81")),
        ("Toegang en voorliggend veld (6.1 en 6.2)", 2024, ("6.1", "6.2")),
        ("Taakveld 671 Maatwerkdienstverlening 18+", 2022, ("6.71",)),
        ("6.10.0 Sociaal Werk (in de wijk)", 2019, ("6.1",)),
        ("Huishoudelijke hulp", 2025, ("6.711",)),
        ("Beschermd wonen", 2025, ("6.811",)),
        ("Begeleiding", 2025, ()),
        ("Huishoudelijke hulp", 2022, ()),
        ("Extra inzet (6,5 fte)", 2024, ()),
        ("Correctie (2.500)", 2024, ()),
        ("Contractmanagement en inkoop", 2025, ()),
    ],
)
def test_what_a_row_label_names(label: str, year: int, codes: tuple[str, ...]) -> None:
    assert label_taakvelden(label, year) == codes


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Taakveld-6.1 Samenkracht en burgerparticipatie", ("6.1",)),
        ("Taakveld - 6.3 Inkomensregelingen", ("6.3",)),
        ("iS 6.5 Arbeidsparticipatie", ("6.5",)),
        ("En 6.5 Wegen en water", ()),
    ],
)
def test_ocr_specks_and_dashes_before_a_code(label: str, code: tuple[str, ...]) -> None:
    """A scan reads a space as a dash and specks as letters; the printed name must agree."""
    assert label_taakvelden(label, 2023) == code
