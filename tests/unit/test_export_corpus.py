"""Exporting the dev reports gives one financial-line row per amount of their ground truth."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pcflow.evaluate import classify_file
from pcflow.export import Filters, build_export

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dev"
REPORTS = sorted(p.name.removesuffix("-A.truth.json") for p in DEV.glob("*-A.truth.json"))


def _key(label: str) -> str:
    return " ".join(label.casefold().split())


@pytest.mark.skipif(not DEV.is_dir(), reason="corpus not present")
@pytest.mark.parametrize("report", REPORTS)
def test_one_row_per_truth_amount(report: str) -> None:
    truth = json.loads((DEV / f"{report}-A.truth.json").read_text("utf-8"))
    doc = classify_file(DEV / f"{report}-A.pdf")
    rows = build_export([doc], Filters()).financial_lines
    wanted = Counter(
        (_key(line["label"]), round(amount))
        for line in truth["financial_lines"]
        for amount in line["amounts_eur"]
    )
    exported = Counter((_key(row["line"]), round(row["amount_eur"])) for row in rows)
    assert len(rows) == wanted.total()
    assert exported == wanted
    assert {row["report_year"] for row in rows} == {truth["year"]}
