"""Iv3 taakvelden: the official list by year and the normaliser from every printed notation."""

from __future__ import annotations

import pytest

from shared.iv3 import normalise_taakveld, taakveld_name, taakvelden


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
