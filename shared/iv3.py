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

from shared.years import is_year

__all__ = ["Taakveld", "label_taakvelden", "normalise_taakveld", "taakveld_name", "taakvelden"]


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
    r"^(?:(?:sub)?taakveld(?:en)?|tv\.?|totaal|subtotaal|saldo|programma)(?:\s*[-–]\s*(?=\d)|\s*:?\s+)",
    re.IGNORECASE,
)
_CODE = re.compile(r"^(\d{1,4})((?:[.,:]\d{1,3}){0,3})[.,]?(?=$|[\s\-–:)(/])")
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
    if is_year(head):
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
    0.10) the printed name decides. Without a number only an official name counts, printed as
    is but for the spaces OCR may lose. A hoofdtaakveld alone ("Saldo 6 Sociaal domein") is not
    a taakveld.
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
    return _official_names(year).get(_norm_name(label).replace(" ", ""))


@cache
def _official_names(year: int | None) -> dict[str, str]:
    """Code by official name, compared without spaces: OCR loses the space between two words
    ("Persoonsgebonden budgetWmo"), and no two official names differ in spacing alone. The
    first taakveld of the list wins, as it did when the names were compared one by one."""
    out: dict[str, str] = {}
    for tv in taakvelden(year) or list(_all()):
        out.setdefault(_norm_name(tv.name).replace(" ", ""), tv.code)
    return out


# A code a label mentions rather than starts with: after the word taakveld anywhere, or as the
# whole content of a parenthesis in the dotted notation ("Inkomensregelingen (6.3)").
_CODE_TOKEN = r"\d{1,4}(?:\.\d{1,3}){0,3}"
_DOTTED_TOKEN = r"\d\.\d{1,3}(?:\.\d{1,3}){0,2}"
_JOIN = r"\s*(?:,|/|&|\ben\b|\bof\b)\s*"
_MENTION = re.compile(
    rf"\btaakveld(?:en)?\s*:?\s+({_CODE_TOKEN}(?:{_JOIN}{_CODE_TOKEN})*)"
    rf"|\(\s*({_DOTTED_TOKEN}(?:{_JOIN}{_DOTTED_TOKEN})*)\s*\)",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(r"\s*\([^)]*\)")


def _mentioned(label: str, year: int | None) -> tuple[str, ...]:
    codes: list[str] = []
    for match in _MENTION.finditer(label):
        after_word = match.group(1) is not None
        for token in re.findall(_CODE_TOKEN, match.group(1) or match.group(2)):
            code = normalise_taakveld(token, year) if after_word else _literal_code(token, year)
            if code is not None:
                codes.append(code)
    return tuple(dict.fromkeys(codes))


def _literal_code(token: str, year: int | None) -> str | None:
    """A bare dotted number counts as a code only when printed exactly as one: "(2.500)" is an
    amount, though read loosely it could be taakveld 2.5."""
    tv = _by_code().get(token)
    return tv.code if tv is not None and tv.valid_in(year) else None


# A scan's specks and rule ends are read as a letter or two before the label ("iS 6.5 ...").
_SPECK = re.compile(r"^[^\W\d_]{1,2}\s+(?=\d)")
# Without the code at the start of the label, the printed name must confirm it this well.
SPECK_NAME_SCORE = 0.8


def _after_speck(label: str, year: int | None) -> str | None:
    """The code after a speck read as letters, when the official name printed after it agrees.

    Only the name tells "iS 6.5 Arbeidsparticipatie" from a label that merely starts with a
    short word and a number, so a code without a matching name is not taken.
    """
    speck = _SPECK.match(label)
    return _confirmed(label[speck.end() :], year) if speck is not None else None


def _confirmed(label: str, year: int | None) -> str | None:
    """The code `label` starts with, when the official name printed after it agrees."""
    code = normalise_taakveld(label, year)
    match = _CODE.match(label)
    if code is None or match is None:
        return None
    name = label[match.end() :].strip(" -–:.")
    return code if _name_score(code, name) >= SPECK_NAME_SCORE else None


# Letters a scan reads for figures in a printed code ("GB1" for 681, "6.7l" for 6.71).
_DIGIT_LOOKALIKES = str.maketrans("GbBOoDlIiSsZz", "6680001115522")
_LOOKALIKE_CODE = re.compile(r"^(?=[\w.,:]*\d)[\dGbBOoDlIiSsZz.,:]{2,8}(?=\s)")


def _misread_code(label: str, year: int | None) -> str | None:
    """The code of a label whose code OCR read partly as letters, when the name agrees.

    A word of those letters alone is no code, so the token must hold a figure as well, and
    only the official name printed after it tells a misread code from an ordinary label.
    """
    token = _LOOKALIKE_CODE.match(label)
    if token is None or token.group().isdigit():
        return None
    return _confirmed(token.group().translate(_DIGIT_LOOKALIKES) + label[token.end() :], year)


@cache
def _short_names(year: int | None) -> dict[str, str]:
    """Official names without their qualifier ("Huishoudelijke hulp" for "... (Wmo)"), kept
    only where no other taakveld of the year has those words in its name: "Begeleiding" could
    be Begeleiding (Wmo) as well as Jeugdhulp begeleiding, and so names neither."""
    names = {tv.code: f" {_norm_name(tv.name)} " for tv in taakvelden(year)}
    out: dict[str, str] = {}
    for tv in taakvelden(year):
        short = _norm_name(_QUALIFIER.sub("", tv.name))
        if not short or f" {short} " == names[tv.code]:
            continue
        if not any(f" {short} " in name for code, name in names.items() if code != tv.code):
            out[short] = tv.code
    return out


def label_taakvelden(label: str, year: int | None = None) -> tuple[str, ...]:
    """Every taakveld a row label names, in the order named; more than one means the row is
    about several taakvelden and so about none of them alone.

    The label names a taakveld by a leading code or its official name (`normalise_taakveld`;
    on a scan also a code after a speck or read partly as letters, when the name agrees),
    by a code it mentions ("Nieuwbouw wijkcentrum (taakveld 6.1)", "Wmo (6.6, 6.71 en 6.81)"),
    or by the official name without its qualifier when no other taakveld of the year has it.
    """
    code = (
        normalise_taakveld(label, year) or _after_speck(label, year) or _misread_code(label, year)
    )
    if code is not None:
        return (code,)
    mentioned = _mentioned(label, year)
    if mentioned:
        return mentioned
    short = _short_names(year).get(_norm_name(label))
    return (short,) if short else ()
