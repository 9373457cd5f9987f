"""The national Iv3 taakvelden and a normaliser from every notation municipalities print.

Reports write the same taakveld as "6.3 Inkomensregelingen", "630 - Inkomensregelingen",
"Taakveld 6.3.", a subtaakveld "6.30.1 Inkomensvoorziening" or "620.1 Toegang"; financial lines
must carry the official dotted code so lines of different municipalities can be compared. The
sociaal-domein codes were split from 2025, so the document's year decides which codes exist.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib import resources

__all__ = ["Taakveld", "normalise_taakveld", "taakveld_name", "taakvelden"]


@dataclass(frozen=True)
class Taakveld:
    code: str
    name: str
    first_year: int
    last_year: int | None

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return True
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


@cache
def _all() -> tuple[Taakveld, ...]:
    text = resources.files("shared").joinpath("iv3_taakvelden.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Taakveld(
            code=row["code"],
            name=row["name"],
            first_year=int(row["first_year"]),
            last_year=int(row["last_year"]) if row["last_year"] else None,
        )
        for row in rows
    )


@cache
def _by_code() -> dict[str, Taakveld]:
    return {tv.code: tv for tv in _all()}


def taakvelden(year: int | None = None) -> list[Taakveld]:
    """The taakvelden in force in `year` (all of them when the year is unknown)."""
    return [tv for tv in _all() if tv.valid_in(year)]


def taakveld_name(code: str | None) -> str | None:
    if code is None:
        return None
    tv = _by_code().get(code)
    return tv.name if tv else None


_PREFIX = re.compile(
    r"^(?:(?:sub)?taakveld(?:en)?|tv\.?|totaal|subtotaal|saldo|programma)\s*:?\s+", re.IGNORECASE
)
_CODE = re.compile(r"^(\d{1,4})((?:[.,:]\d{1,3}){0,3})[.,]?(?=$|[\s\-–:)(/])")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_LEAD_NOISE = " :;.,|'\"‘’“”_«»[]"


@lru_cache(maxsize=8192)
def _norm_name(text: str) -> str:
    """Accents, case and punctuation gone. Cached: every unnumbered table label is compared
    with all official names, and normalising those over and over led classify's profile."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^a-z0-9+\- ]", " ", text).split())


def _candidates(head: str, rest: list[str]) -> list[str]:
    """Codes a numeric token may stand for, most literal reading first."""
    if len(head) == 1:
        if not rest:
            return []
        sub = rest[0]
        out = [f"{head}.{sub}"]
        if len(sub) >= 2 and sub.endswith("0"):
            out.append(f"{head}.{sub[:-1]}")
        if len(rest) > 1 and len(sub) == 2:
            out.append(f"{head}.{sub}{rest[1]}")
        if len(rest) == 1 and len(sub) == 3:  # "6.601": the dot of 6.60.1 not printed or read
            out.append(f"{head}.{sub[:2]}")
            if sub[1] == "0":
                out.append(f"{head}.{sub[0]}")
        return out
    if _YEAR.match(head):
        return []
    h, sub = head[0], head[1:]
    out = [f"{h}.{sub}"]
    if len(sub) >= 2 and sub.endswith("0"):
        out.append(f"{h}.{sub[:-1]}")
    if len(sub) == 3:
        out.append(f"{h}.{sub[:2]}")
        if sub[1] == "0":
            out.append(f"{h}.{sub[0]}")
    return out


def _name_score(code: str, name: str) -> float:
    official = _norm_name(_by_code()[code].name)
    return SequenceMatcher(None, official, _norm_name(name)[: len(official) + 10]).ratio()


def normalise_taakveld(text: str, year: int | None = None) -> str | None:
    """The official dotted code a label refers to ("630 - Inkomensregelingen" -> "6.3").

    A numeric prefix is read in every notation in use; where it is ambiguous ("010" is 0.1 or
    0.10) the printed name decides. Without a number only an official name, printed as is,
    counts. A hoofdtaakveld alone ("Saldo 6 Sociaal domein") is not a taakveld.
    """
    label = " ".join(unicodedata.normalize("NFKC", text).split()).lstrip(_LEAD_NOISE)
    for _ in range(2):
        label = _PREFIX.sub("", label)
    match = _CODE.match(label)
    codes = _by_code()
    if match:
        head = match.group(1)
        rest = [p for p in re.split(r"[.,:]", match.group(2)) if p]
        name = label[match.end() :].strip(" -–:.")
        cands = [c for c in dict.fromkeys(_candidates(head, rest)) if c in codes]
        in_force = [c for c in cands if codes[c].valid_in(year)]
        pool = in_force or cands
        if not pool:
            return None
        if len(pool) > 1 and name:
            best = max(pool, key=lambda c: _name_score(c, name))
            if _name_score(best, name) >= 0.6:
                return best
        return pool[0]
    wanted = _norm_name(label)
    for tv in taakvelden(year) or list(_all()):
        if _norm_name(tv.name) == wanted:
            return tv.code
    return None
