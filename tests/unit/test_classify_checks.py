"""Arithmetic checks: totals, saldo rows and saldo columns, in either sign convention."""

from __future__ import annotations

from services.classify.checks import check_table
from shared.documents import Amount, FinancialLine


def _line(
    label: str, values: list[float | None], total: bool = False, measures: list[str] | None = None
) -> FinancialLine:
    amounts = [
        Amount(
            printed=str(v),
            value_eur=v,
            column_index=i + 1,
            measure=(measures or [""] * len(values))[i],
            column=(measures or [""] * len(values))[i],
        )
        for i, v in enumerate(values)
        if v is not None
    ]
    return FinancialLine(label=label, amounts=amounts, page=1, table=0, total=total)


def test_total_passes_and_fails() -> None:
    lines = [
        _line("A", [1000.0, 2000.0]),
        _line("B", [3000.0, None]),
        _line("Totaal lasten", [4000.0, 2000.0], True),
    ]
    assert [c.passed for c in check_table(lines, set(), 1000.0)] == [True]
    lines[-1] = _line("Totaal lasten", [9000.0, 2000.0], True)
    (check,) = check_table(lines, set(), 1000.0)
    assert not check.passed
    assert "column 1" in check.detail


def test_rounding_tolerance() -> None:
    lines = [_line("A", [1000.0]), _line("B", [1000.0]), _line("Totaal", [3000.0], True)]
    assert check_table(lines, set(), 1000.0)[0].passed
    lines[-1] = _line("Totaal", [5000.0], True)
    assert not check_table(lines, set(), 1000.0)[0].passed


def test_saldo_row_both_sign_conventions() -> None:
    positive = [
        _line("Totaal lasten", [100.0], True),
        _line("Totaal baten", [40.0], True),
        _line("Saldo", [-60.0], True),
    ]
    negative = [
        _line("Totaal lasten", [-100.0], True),
        _line("Totaal baten", [40.0], True),
        _line("Saldo", [-60.0], True),
    ]
    for lines in (positive, negative):
        saldo = [c for c in check_table(lines, set(), 1.0) if c.name.startswith("saldo")]
        assert saldo and all(c.passed for c in saldo)


def test_saldo_columns() -> None:
    measures = ["baten", "lasten", "saldo"]
    lines = [
        _line("6.10.1 Preventie", [None, 951.0, -951.0], measures=measures),
        _line("6.10.7 Welzijn", [685.0, 2834.0, -2149.0], measures=measures),
    ]
    checks = check_table(lines, set(), 1.0)
    assert [c.passed for c in checks] == [True]
    lines.append(_line("6.10.8 Fout", [10.0, 20.0, 30.0], measures=measures))
    assert [c.passed for c in check_table(lines, set(), 1.0)] == [False]


def test_resultaat_after_reserves() -> None:
    lines = [
        _line("Totaal lasten", [33955.0], True),
        _line("Totaal baten", [9481.0], True),
        _line("Gerealiseerde totaal saldo van baten en lasten", [-24473.0], True),
        _line("Toevoeging reserves", [13.0]),
        _line("Onttrekking reserves", [12.0]),
        _line("Gerealiseerd resultaat", [-24474.0], True),
    ]
    checks = {c.name.split(":")[0]: c.passed for c in check_table(lines, set(), 1.0)}
    assert checks["resultaat"] is True
