"""What the sandbox parent and its children say to each other: a small tagged union.

A child sends only `ChildReply` values, the parent only a `Plan`. The parent tells the replies
apart by their class (`match`), never by the bytes they start with, and reads them with the
restricted unpickler of `reply_pickle.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .core import DocumentFacts, PagesResult
from .errors import Reason


@dataclass(frozen=True, slots=True)
class Opened:
    """The first child opened the document: what the parent needs to plan the split."""

    page_count: int
    scanned: bool


@dataclass(frozen=True, slots=True)
class PagesDone:
    """A run of pages a child has analysed, sent as soon as it is done."""

    part: PagesResult


@dataclass(frozen=True, slots=True)
class Finished:
    """A child took its last pages. The first child also sends the file's own facts; every
    child says whether the parser had to repair what it read."""

    repaired: bool
    facts: DocumentFacts | None


@dataclass(frozen=True, slots=True)
class Failed:
    """The extraction failed in the child with this `ExtractionError` reason."""

    reason: Reason
    message: str
    detected_type: str = ""


ChildReply = Opened | PagesDone | Finished | Failed


@dataclass(frozen=True, slots=True)
class Plan:
    """The parent's answer to `Opened`: how many pages a child takes at a time."""

    chunk: int
