"""Years as reports print them, in one pattern, so every stage agrees on what a year is.

A table header "2024", a column "Begroting 2025", a plan period "2020-2024" and a year after a
document type ("Jaarverslag 2019") are all years of this or the last century; a number such as
"2150" or "1850" in a cell is an amount.
"""

from __future__ import annotations

import re

YEAR = r"(?:19|20)\d\d"
YEAR_IN_TEXT = re.compile(rf"\b({YEAR})\b")
_WHOLE = re.compile(YEAR)


def is_year(text: str) -> bool:
    """The text is one year and nothing else."""
    return _WHOLE.fullmatch(text) is not None
