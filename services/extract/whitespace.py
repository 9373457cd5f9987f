"""Tables printed without ruling lines, found from aligned columns of text."""

from __future__ import annotations

from .layout import Line
from .tables import TableDraft


def find_whitespace_tables(
    lines: list[Line], page: int, ocr: bool
) -> tuple[list[TableDraft], list[Line]]:
    """Tables among `lines` and the lines that are not part of one."""
    return [], lines
