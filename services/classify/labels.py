"""Paragraph labels: activiteit, resultaat, toelichting or overig, with confidence and evidence.

Structure decides first, because it generalises across municipalities: a BBV question or a
"Financiële toelichting" heading labels the text under it, an inline "Resultaat:" labels its own
paragraph, and the columns of an Activiteit | Resultaat | Toelichting table label their cells.
Only text without any such cue is left to the lexical model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from services.classify.cues import (
    DEVIATION_TEXT,
    TABLE_INTRO,
    Context,
    column_context,
    heading_context,
    inline_context,
    normalise,
)
from services.classify.model import LexicalModel
from services.classify.sections import Heading
from shared.documents import Label, Table

__all__ = [
    "Candidate",
    "ContextTracker",
    "label_candidate",
    "table_candidates",
    "text_table_columns",
]

# The model overrides the structural default only when it is this sure: trained on few reports,
# it is less reliable than the document's own structure.
MODEL_OVERRIDE = 0.9
DEVIATION_CHARS = 2000

ParagraphKind = Literal["paragraph", "list_item", "table_cell"]
LABELS: tuple[Label, ...] = ("activiteit", "resultaat", "toelichting", "overig")

STRUCTURAL_KINDS = {"programma", "taakveld", "beleidsveld", "hoofdactiviteit"}


@dataclass
class _Scope:
    level: int
    context: Context | None
    long: bool
    heading: str
    structural: bool
    taken: int = 0
    open_list: bool = False


@dataclass
class ContextTracker:
    """The label context opened by the headings above the current point in reading order.

    A BBV question (or a financial explanation) heading lasts over same-level subheadings such
    as activity names, until the next cue heading at its level or any heading above it. A goal
    heading ("Doelstelling", "Beoogd effect") labels only the goal statement under it: its first
    paragraph and, when that paragraph opens a list, the list.
    """

    stack: list[_Scope] = field(default_factory=list)

    def enter(self, heading: Heading) -> None:
        cue = heading_context(heading.text)
        structural = heading.kind in STRUCTURAL_KINDS
        keep: list[_Scope] = []
        for scope in self.stack:
            if scope.level < heading.level or (
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
                if not scope.long and scope.taken < 0:
                    return None, ""
                return scope.context, scope.heading
        return None, ""

    def advance(self, kind: str, text: str) -> None:
        """Record that a paragraph was read, closing a goal statement after its first one."""
        for scope in reversed(self.stack):
            if scope.context is None:
                continue
            if not scope.long and scope.taken >= 0:
                if scope.taken == 0:
                    scope.open_list = text.rstrip().endswith(":")
                    scope.taken = 1
                elif not (scope.open_list and kind == "list_item"):
                    scope.taken = -1
            return

    def strength(self) -> str:
        """ "long" under a BBV question, "short" under a plain cue, "none" without a cue."""
        for scope in reversed(self.stack):
            if scope.context is not None:
                if not scope.long and scope.taken < 0:
                    return "none"
                return "long" if scope.long else "short"
        return "none"

    def section_title(self) -> str:
        return self.stack[-1].heading if self.stack else ""


_CONTEXT_LABEL: dict[Context, Label] = {
    "activiteit": "activiteit",
    "resultaat": "resultaat",
    "toelichting": "toelichting",
    "overig": "overig",
}


@dataclass(frozen=True)
class Candidate:
    """A paragraph, list item or text-table cell with the cues around it, before labelling."""

    text: str
    kind: ParagraphKind
    page: int
    context: Context | None
    strength: str
    heading: str
    section: str
    column: Context | None = None
    column_header: str = ""

    def model_context(self) -> str:
        """The context as the lexical model sees it."""
        if self.column is not None:
            return f"column:{self.column}"
        if self.context is None:
            return "none"
        return f"{self.context}:{self.strength}"


def label_candidate(candidate: Candidate, model: LexicalModel | None) -> tuple[Label, float, str]:
    """Column, inline cue, heading context, else the lexical model, in that order."""
    if candidate.column is not None and candidate.column != "kosten":
        header = candidate.column_header or candidate.column
        return _CONTEXT_LABEL[candidate.column], 0.95, f"table column: {header}"
    text = candidate.text
    inline = inline_context(text)
    if inline is not None and inline != "kosten":
        return _CONTEXT_LABEL[inline], 0.95, f"inline cue: {text.split(':', 1)[0].strip()}:"
    context, heading = candidate.context, candidate.heading
    if context == "kosten":
        norm = normalise(text)
        if TABLE_INTRO.search(norm) or (norm.endswith(":") and len(norm) < 160):
            return "overig", 0.8, f"introduces a table under '{heading}'"
        return "toelichting", 0.85, f"heading: {heading}"
    if context is not None and context != "overig" and candidate.strength == "long":
        return _CONTEXT_LABEL[context], 0.9, f"heading: {heading}"
    default: Label = "overig"
    evidence = "no cue"
    if context is not None and context != "overig":
        default, evidence = _CONTEXT_LABEL[context], f"heading: {heading}"
    elif DEVIATION_TEXT.search(normalise(text[:DEVIATION_CHARS])):
        default, evidence = "toelichting", "an amount with a deviation (voordeel, nadeel, ...)"
    if model is not None:
        predicted, prob, strongest = model.predict(text, candidate.model_context(), candidate.kind)
        label = next((lab for lab in LABELS if lab == predicted), default)
        if label == default or prob >= MODEL_OVERRIDE:
            return label, round(prob, 3), "lexical model: " + ", ".join(strongest)
    return default, 0.6 if default != "overig" else 0.5, evidence


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


def table_candidates(table: Table, tracker: ContextTracker) -> list[Candidate]:
    """Each non-empty body cell of a text table, with the label its column names."""
    columns = text_table_columns(table)
    header_count = max(table.header_rows, 1) if columns is not None else table.header_rows
    headers = [" ".join(c.split()) for c in table.rows[0]] if table.rows else []
    context, heading = tracker.current()
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
            out.append(
                Candidate(
                    text=text,
                    kind="table_cell",
                    page=table.page,
                    context=context,
                    strength=tracker.strength(),
                    heading=heading,
                    section=tracker.section_title(),
                    column=column,
                    column_header=headers[col] if col < len(headers) else "",
                )
            )
    return out
