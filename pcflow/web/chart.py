"""The comparison as a bar chart, drawn by matplotlib into SVG on the server: the page needs no
script and nothing from the internet, and the SVG scales and prints sharply."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure

from pcflow.web.comparison import Comparison

MILLION = 1_000_000


def comparison_svg(comparison: Comparison) -> str:
    """Horizontal bars, one group per taakveld and one bar per document, in millions of euros.

    A taakveld a document does not print gets no bar, which is not the same as a zero bar.
    """
    rows = comparison.rows
    documents = comparison.documents
    height = 1.2 + 0.22 * max(1, len(rows)) * max(1, len(documents)) ** 0.5
    figure = Figure(figsize=(9, height), layout="constrained")
    axes = figure.add_subplot()
    positions = np.arange(len(rows))
    bar = 0.8 / max(1, len(documents))
    for number, document in enumerate(documents):
        values = [row.amounts[number] for row in rows]
        axes.barh(
            [p + number * bar for p, v in zip(positions, values, strict=True) if v is not None],
            [v / MILLION for v in values if v is not None],
            height=bar,
            label=f"{document.title} ({document.column})",
        )
    axes.set_yticks(
        positions + bar * (len(documents) - 1) / 2,
        [f"{row.taakveld} {row.name}" for row in rows],
        fontsize=8,
    )
    axes.invert_yaxis()
    axes.axvline(0, color="black", linewidth=0.6)
    axes.set_xlabel(f"{comparison.measure} (mln euro)")
    axes.grid(axis="x", linewidth=0.3)
    if documents:
        figure.legend(loc="outside upper center", ncols=2, fontsize=7)
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
