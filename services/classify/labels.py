"""Paragraph labels: activiteit, resultaat, toelichting or overig, with confidence and evidence.

Structure decides first, because it generalises across municipalities: a BBV question or a
"Financiële toelichting" heading labels the text under it, an inline "Resultaat:" labels its own
paragraph, and the columns of an Activiteit | Resultaat | Toelichting table label their cells.
Only text without any such cue is left to the lexical model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.classify.cues import (
    TABLE_INTRO,
    Context,
    column_context,
    heading_context,
    inline_context,
    normalise,
)
from services.classify.model import LexicalModel
from services.classify.sections import Heading
from shared.documents import Label, Paragraph, Table

__all__ = ["ContextTracker", "label_paragraph", "table_cell_paragraphs", "text_table_columns"]

STRUCTURAL_KINDS = {"programma", "taakveld", "beleidsveld", "hoofdactiviteit"}


@dataclass
class _Scope:
    level: int
    context: Context | None
    long: bool
    heading: str
    structural: bool


@dataclass
class ContextTracker:
    """The label context opened by the headings above the current point in reading order.

    A BBV question (or a financial explanation) heading lasts over same-level subheadings such
    as activity names, until the next cue heading at its level or any heading above it; a plain
    cue such as "Doelstelling" lasts only until the next heading at its level.
    """

    stack: list[_Scope] = field(default_factory=list)

    def enter(self, heading: Heading) -> None:
        cue = heading_context(heading.text)
        structural = heading.kind in STRUCTURAL_KINDS
        keep: list[_Scope] = []
        for scope in self.stack:
            if scope.level < heading.level:
                keep.append(scope)
            elif (
                scope.level == heading.level
                and scope.long
                and cue is None
                and not structural
                and scope.context is not None
            ):
                keep.append(scope)
        self.stack = keep
        if cue is not None:
            context, long_scope = cue
            self.stack.append(_Scope(heading.level, context, long_scope, heading.text, False))
        else:
            self.stack.append(_Scope(heading.level, None, False, heading.text, structural))

    def current(self) -> tuple[Context | None, str]:
        for scope in reversed(self.stack):
            if scope.context is not None:
                return scope.context, scope.heading
        return None, ""

    def section_title(self) -> str:
        return self.stack[-1].heading if self.stack else ""


_CONTEXT_LABEL: dict[Context, Label] = {
    "activiteit": "activiteit",
    "resultaat": "resultaat",
    "toelichting": "toelichting",
    "overig": "overig",
}


def _model_label(
    text: str, context: str, kind: str, model: LexicalModel | None
) -> tuple[Label, float, str]:
    if model is None:
        return "overig", 0.4, "no cue"
    label, prob, strongest = model.predict(text, context, kind)
    return label, round(prob, 3), "lexical model: " + ", ".join(strongest)  # type: ignore[return-value]


def label_paragraph(
    text: str,
    kind: str,
    context: Context | None,
    heading: str,
    model: LexicalModel | None,
) -> tuple[Label, float, str]:
    """Label one paragraph or list item from its cue, else from the lexical model."""
    inline = inline_context(text)
    if inline is not None and inline != "kosten":
        return _CONTEXT_LABEL[inline], 0.95, f"inline cue: {text.split(':', 1)[0].strip()}:"
    if context == "kosten":
        norm = normalise(text)
        if TABLE_INTRO.search(norm) or (norm.endswith(":") and len(norm) < 160):
            return "overig", 0.8, f"introduces a table under '{heading}'"
        return "toelichting", 0.85, f"heading: {heading}"
    if context is not None and context != "overig":
        return _CONTEXT_LABEL[context], 0.9, f"heading: {heading}"
    return _model_label(text, context or "none", kind, model)


def text_table_columns(table: Table) -> list[Context | None] | None:
    """Per column, the label its header names, when the table is an activity/result table."""
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
    if len(distinct) >= 2:
        return contexts
    return None


def table_cell_paragraphs(
    table: Table,
    columns: list[Context | None] | None,
    context: Context | None,
    heading: str,
    section: str,
    model: LexicalModel | None,
) -> list[Paragraph]:
    """Each non-empty body cell of a text table as a paragraph labelled by its column."""
    out: list[Paragraph] = []
    header_count = max(table.header_rows, 1) if columns is not None else table.header_rows
    for row_index, row in enumerate(table.rows):
        if row_index < header_count or row_index in table.section_rows:
            continue
        for col, cell in enumerate(row):
            text = " ".join(cell.split())
            if not text:
                continue
            column = columns[col] if columns is not None and col < len(columns) else None
            if column is not None and column != "kosten":
                label: Label = _CONTEXT_LABEL[column]
                confidence, evidence = 0.95, f"table column: {table.rows[0][col].strip()}"
            else:
                label, confidence, evidence = label_paragraph(
                    text, "table_cell", context, heading, model
                )
            out.append(
                Paragraph(
                    text=text,
                    label=label,
                    confidence=confidence,
                    evidence=evidence,
                    page=table.page,
                    kind="table_cell",
                    section=section,
                )
            )
    return out
