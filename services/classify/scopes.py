"""Where a unit stands in the heading structure: the cue of the headings above it, and how far.

A heading opens a scope that holds until the next heading of the same or a higher level; that
is how a reader sees it, and it keeps one cue from running on to the end of the document. What
the scopes record are facts, not labels: the nearest heading, the innermost BBV question or
section cue above the unit with its tense and depth, and a cue heading that came just before at
the same level (reports often set activity names in the style of the BBV question they belong
to). The label model weighs these facts against the unit's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.classify.cues import (
    DEVIATION,
    Context,
    heading_context,
    normalise,
    question_context,
    question_tense,
)
from services.classify.sections import Heading

__all__ = ["HeadingScopes", "Position"]

STRUCTURAL_KINDS = {"programma", "taakveld", "beleidsveld", "hoofdactiviteit"}


@dataclass(frozen=True)
class Position:
    """The heading facts around one paragraph, list item or table cell."""

    heading: str = ""
    cue: Context | None = None
    cue_heading: str = ""
    cue_tense: str = ""
    cue_depth: int = 0
    after_cue: Context | None = None
    deviation: bool = False
    index: int = 0


@dataclass(frozen=True)
class _Scope:
    level: int
    heading: str
    cue: Context | None
    tense: str
    deviation: bool
    structural: bool
    after_cue: Context | None


@dataclass
class HeadingScopes:
    """The headings enclosing the current point in reading order, innermost last."""

    stack: list[_Scope] = field(default_factory=list)
    since_heading: int = 0

    def enter(self, heading: Heading) -> None:
        """Close every scope at the heading's level or deeper, then open the heading's own."""
        closed_sibling: _Scope | None = None
        while self.stack and self.stack[-1].level >= heading.level:
            scope = self.stack.pop()
            if scope.level == heading.level:
                closed_sibling = scope
        found = heading_context(heading.text)
        cue = found[0] if found is not None else None
        structural = heading.kind in STRUCTURAL_KINDS
        after_cue = None
        if cue is None and not structural and closed_sibling is not None:
            after_cue = closed_sibling.cue or closed_sibling.after_cue
        tense = question_tense(heading.text) if question_context(heading.text) else ""
        self.stack.append(
            _Scope(
                level=heading.level,
                heading=heading.text,
                cue=cue,
                tense=tense,
                deviation=bool(DEVIATION.search(normalise(heading.text))),
                structural=structural,
                after_cue=after_cue,
            )
        )
        self.since_heading = 0

    def position(self) -> Position:
        """The facts for the next unit; each call counts one unit read under the heading."""
        index = self.since_heading
        self.since_heading += 1
        if not self.stack:
            return Position(index=index)
        inner = self.stack[-1]
        depth, cue_scope = next(
            ((d, scope) for d, scope in enumerate(reversed(self.stack)) if scope.cue is not None),
            (0, None),
        )
        return Position(
            heading=inner.heading,
            cue=cue_scope.cue if cue_scope else None,
            cue_heading=cue_scope.heading if cue_scope else "",
            cue_tense=cue_scope.tense if cue_scope else "",
            cue_depth=depth,
            after_cue=inner.after_cue,
            deviation=inner.deviation,
            index=index,
        )
