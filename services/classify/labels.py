"""Paragraph labels: activiteit, resultaat, toelichting or overig, each with its probability.

The label model decides every paragraph, list item and text-table cell. The hand-written cues
(BBV questions, section headings, column headers, inline prefixes) are among its features
with learnt weights, next to the unit's own words, so a clear measure under a neutral heading
is still an activiteit and a list of causes under "Wat hebben we gedaan?" is still toelichting.
A label whose probability falls below the model's calibrated threshold is flagged for review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from services.classify.cues import Context, column_context, inline_context
from services.classify.features import Features, unit_features
from services.classify.model import LabelModel
from services.classify.scopes import HeadingScopes, Position
from services.classify.tuning import DEFAULT, EvidenceTuning
from shared.documents import Label, Paragraph, Table

__all__ = [
    "LABELS",
    "Candidate",
    "label_all",
    "table_candidates",
    "text_table_columns",
    "unit_feature_rows",
]

ParagraphKind = Literal["paragraph", "list_item", "table_cell"]
LABELS: tuple[Label, ...] = ("activiteit", "resultaat", "toelichting", "overig")
# A text table is read column by column only when its headers name different kinds of text.
MIN_COLUMN_CONTEXTS = 2


@dataclass(frozen=True)
class Candidate:
    """A paragraph, list item or text-table cell with the structure around it, before labels."""

    text: str
    kind: ParagraphKind
    page: int
    position: Position
    column: Context | None = None
    column_header: str = ""
    intro: int | None = None

    @property
    def section(self) -> str:
        return self.position.heading


def unit_feature_rows(candidates: list[Candidate]) -> list[Features]:
    """The first stage's features of every candidate; a list item sees its introduction."""
    return [
        unit_features(
            c.text,
            c.kind,
            c.position,
            c.column,
            c.column_header,
            candidates[c.intro].text if c.intro is not None else "",
        )
        for c in candidates
    ]


def _describe(name: str, candidate: Candidate, min_word_chars: int) -> str | None:
    """A feature as an analyst reads it; None for one that says nothing on its own."""
    position = candidate.position
    source, _, value = name.partition(":")
    if source in ("near_cue", "cue"):
        if candidate.column is not None:
            return f"column '{candidate.column_header}'"
        if candidate.intro is not None and position.cue != value:
            return "the sentence introducing the list"
        if inline_context(candidate.text) is not None:
            return f"opens with '{candidate.text.split(':')[0].split('?')[0][:40]}'"
        if position.deviation and value == "toelichting":
            return f"heading names a deviation: '{position.heading}'"
        if position.cue is None:
            after = position.after_cue
            return f"follows a '{after}' heading" if after is not None else None
    described = {
        "near_cue": f"heading '{position.cue_heading}'",
        "cue": f"heading '{position.cue_heading}'",
        "after_cue": f"follows a '{value.split(':')[0]}' heading",
        "hw": f"heading '{position.heading}'",
        "col": f"column '{candidate.column_header}'",
        "colw": f"column '{candidate.column_header}'",
        "inline": f"opens with '{candidate.text.split(':')[0].split('?')[0][:40]}'",
        "intro": "the sentence introducing the list",
        "list_of": f"a list of {value} (its introduction)",
        "heading_deviation": f"heading names a deviation: '{position.heading}'",
        "grp": "'wij' as subject" if value == "subject_we" else f"{value} vocabulary",
        "gram": value.replace("_", " "),
        "we_did": "'we' with a past tense",
        "we_do": "'we' with a present or future tense",
        "amount": "an amount",
        "percent": "a percentage",
    }
    if source in ("w", "first") and len(value) > min_word_chars:
        return f"word '{value}'"
    if source == "ww" and all(len(w) > min_word_chars for w in value.split("_")):
        return f"words '{value.replace('_', ' ')}'"
    return described.get(source)


def _evidence(
    model: LabelModel, feats: Features, candidate: Candidate, label: str, tuning: EvidenceTuning
) -> str:
    described: list[str] = []
    for name in model.units.strongest(feats, label, tuning.candidates):
        text = _describe(name, candidate, tuning.min_word_chars)
        if text is not None and text not in described:
            described.append(text)
    return "; ".join(described[: tuning.features]) or "prior"


def label_all(
    candidates: list[Candidate], model: LabelModel, tuning: EvidenceTuning = DEFAULT.evidence
) -> list[Paragraph]:
    """Label every candidate with the label model's most probable label, naming the features
    that weighed most for it as its evidence."""
    rows = unit_feature_rows(candidates)
    paragraphs: list[Paragraph] = []
    for candidate, row in zip(candidates, rows, strict=True):
        probs = model.units.probabilities(row)
        label = cast(Label, max(probs, key=lambda c: probs[c]))
        confidence = probs[label]
        paragraphs.append(
            Paragraph(
                text=candidate.text,
                label=label,
                confidence=round(confidence, 4),
                probabilities={cast(Label, c): round(p, 4) for c, p in sorted(probs.items())},
                needs_review=confidence < model.review_below,
                evidence=_evidence(model, row, candidate, label, tuning),
                page=candidate.page,
                kind=candidate.kind,
                section=candidate.section,
            )
        )
    return paragraphs


def text_table_columns(table: Table) -> list[Context | None] | None:
    """Per column, the label its header names, when the table is an activity/result table.

    In such a table a column that names none of the labels (planning, status, budget, target
    value) holds data about the row rather than text of its own: it reads as overig."""
    if not table.rows:
        return None
    width = max(len(r) for r in table.rows)
    header_count = max(table.header_rows, 1)
    contexts: list[Context | None] = [None] * width
    for row in table.rows[:header_count]:
        for index, cell in enumerate(row):
            found = column_context(cell)
            if found is not None and contexts[index] is None:
                contexts[index] = found
    distinct = {c for c in contexts if c is not None}
    if len(distinct) >= MIN_COLUMN_CONTEXTS:
        return [c if c is not None else "overig" for c in contexts]
    return None


def table_candidates(table: Table, scopes: HeadingScopes) -> list[Candidate]:
    """Each non-empty body cell of a text table, with its column header and what it names."""
    columns = text_table_columns(table)
    header_count = max(table.header_rows, 1) if columns is not None else table.header_rows
    headers = [" ".join(c.split()) for c in table.rows[0]] if table.rows else []
    out: list[Candidate] = []
    for row_index, row in enumerate(table.rows):
        if row_index < header_count or row_index in table.section_rows:
            continue
        if columns is not None and [" ".join(c.split()) for c in row] == headers:
            continue
        for col, cell in enumerate(row):
            text = " ".join(cell.split())
            if not text:
                continue
            column = columns[col] if columns is not None and col < len(columns) else None
            header = headers[col] if col < len(headers) else ""
            out.append(
                Candidate(
                    text=text,
                    kind="table_cell",
                    page=table.page,
                    position=scopes.position(),
                    column=column,
                    column_header=header if columns is not None else "",
                )
            )
    return out
