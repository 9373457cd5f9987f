"""Document facts read from the document itself: municipality, type of P&C document, year, title.

A reader finds them on the cover ("Gemeente X", "Jaarverslag 2019"), and the same words recur in
the running header or footer of every page, which the extractor keeps in metadata ("header",
"footer") when it strips them, beside the PDF's own title and author. Each fact keeps the text
it was read from, so a wrong one can be traced. The file name is never used: an upload can be
called anything.

On a scanned cover the title is set large, where OCR misreads most; the running text, read on
every page and only kept when it recurs, is then the more faithful copy of it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from services.classify.cues import normalise
from services.classify.tuning import DEFAULT, InfoTuning
from shared.documents import DocumentInfo, ExtractedDocument, InfoEvidence, InfoSource
from shared.years import YEAR, YEAR_IN_TEXT

__all__ = ["document_info"]

# A title that names two P&C moments ("Kadernota 2026 (voorjaarsnota 2025)") is the earlier in
# this list: the moment in the cycle comes before the generic names of what it prepares.
_TYPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bvoorjaarsnota\b"), "voorjaarsnota"),
    (re.compile(r"\bnajaarsnota\b"), "najaarsnota"),
    (re.compile(r"\bkadernota\b|\bperspectiefnota\b"), "kadernota"),
    (
        re.compile(r"\b(?:bestuurs|beleids|tussen|voortgangs)rapportage\b|\bburap\b|\bberap\b"),
        "voortgangsrapportage",
    ),
    (re.compile(r"\braadsinformatiebrief\b"), "raadsinformatiebrief"),
    (re.compile(r"\bjaarrapportage\b|\bjaarrapport\b"), "jaarrapportage"),
    (re.compile(r"\bjaarrekening\b"), "jaarrekening"),
    (re.compile(r"\bjaarverslag\b|\bjaarstukken\b|\bjaarverantwoording\b"), "jaarverslag"),
    (re.compile(r"\bprogrammabegroting\b|\bbegroting\b"), "begroting"),
]
_TYPE_WORD = re.compile(
    r"\b(?:programma)?(?:begroting|jaarverslag|jaarrekening|jaarstukken|voorjaarsnota|najaarsnota|"
    r"kadernota|perspectiefnota|raadsinformatiebrief|\w*rapportage|jaarverantwoording|burap|"
    r"berap)\b",
    re.IGNORECASE,
)
_MUNICIPALITY = re.compile(r"\bgemeente\s+([^\W\d][\w'\-]*(?:\s+[^\W\d][\w'\-/]*){0,4})", re.I)
_NOT_A_NAME = re.compile(
    r"^(?:\d|jaar|begroting|programma|raad|college|in|is|heeft|wordt|en|met)", re.I
)
_LEADING_MUNICIPALITY = re.compile(r"^gemeente\s+\S+\s*[-–·|:]?\s*", re.I)
# Running text joins its parts ("Jaarverslag 2019 – gemeente Hengelo"); each part is one fact.
_PART_SEPARATOR = re.compile(r"\s+[·|–—-]\s+")
# The cover's pages are found among this many times its blocks: pages of a few blocks each
# are all seen without going through the blocks of a long document.
_COVER_SCAN = 4
_YEAR_AFTER = re.compile(rf"\W{{0,3}}({YEAR})\b")
_METADATA: list[tuple[str, InfoSource]] = [
    ("title", "pdf metadata"),
    ("subject", "pdf metadata"),
    ("author", "pdf metadata"),
    ("header", "running header"),
    ("footer", "running footer"),
]


@dataclass(frozen=True, slots=True)
class _Text:
    """A short text that may state a fact, and where it stands."""

    text: str
    source: InfoSource
    page: int | None = None
    size: float = 0.0
    ocr: bool = False

    def evidence(self) -> InfoEvidence:
        return InfoEvidence(source=self.source, page=self.page, text=self.text)


def _cased(name: str) -> str:
    if name.isupper() or name.islower():
        return "-".join(part.capitalize() for part in name.lower().split("-"))
    return name


def _cover(doc: ExtractedDocument, tuning: InfoTuning) -> list[_Text]:
    scanned = doc.blocks[: tuning.cover_blocks * _COVER_SCAN]
    first_pages = sorted({b.page for b in scanned})[: tuning.cover_pages]
    blocks = [b for b in doc.blocks if b.page in first_pages][: tuning.cover_blocks]
    return [
        _Text(" ".join(b.text[: tuning.cover_chars].split()), "cover", b.page, b.size, b.ocr)
        for b in blocks
    ]


def _metadata(doc: ExtractedDocument) -> list[_Text]:
    texts: list[_Text] = []
    for key, source in _METADATA:
        value = " ".join(doc.metadata.get(key, "").split())
        parts = _PART_SEPARATOR.split(value) if source != "pdf metadata" else [value]
        texts.extend(_Text(part, source) for part in parts if part)
    return texts


def _title(cover: list[_Text], elsewhere: list[_Text], max_chars: int) -> _Text | None:
    """The largest short text on the cover that names a document type; on a scanned cover the
    PDF title or running text naming one, when there is such a text."""
    named = [t for t in cover if _TYPE_WORD.search(t.text) and len(t.text) <= max_chars]
    found = max(named, key=lambda t: t.size) if named else None
    if found is None or found.ocr:
        typed = [t for t in elsewhere if _TYPE_WORD.search(t.text)]
        if typed:
            found = typed[0]
    if found is None:
        return None
    text = _LEADING_MUNICIPALITY.sub("", found.text) or found.text
    return _Text(text, found.source, found.page, found.size, found.ocr)


@dataclass(frozen=True, slots=True)
class _Typed:
    """The document type, the text that names it, and what follows the name in that text."""

    name: str
    text: _Text
    after: str


def _document_type(texts: list[_Text]) -> _Typed | None:
    for text in texts:
        norm = normalise(text.text)
        for pattern, name in _TYPES:
            if match := pattern.search(norm):
                return _Typed(name, text, norm[match.end() :])
    return None


def _year(typed: _Typed | None, texts: list[_Text]) -> tuple[int, _Text] | None:
    """The year printed right after the document type ("voorjaarsnota 2025"), else the first
    year of the text that names the type, else the first year elsewhere on the cover."""
    if typed is not None and (after := _YEAR_AFTER.match(typed.after)):
        return int(after.group(1)), typed.text
    for text in [*([typed.text] if typed else []), *texts]:
        years = YEAR_IN_TEXT.findall(text.text)
        if years:
            return int(years[0]), text
    return None


def _municipality(texts: list[_Text]) -> tuple[str, _Text] | None:
    """The name most often printed after "Gemeente", with the first text that prints it."""
    counts: Counter[str] = Counter()
    first: dict[str, _Text] = {}
    for text in texts:
        for match in _MUNICIPALITY.finditer(text.text):
            words: list[str] = []
            for word in match.group(1).split():
                if _NOT_A_NAME.match(word) or _TYPE_WORD.search(word):
                    break
                words.append(word)
            if words:
                name = _cased(" ".join(words))
                counts[name] += 1
                first.setdefault(name, text)
    if not counts:
        return None
    name = counts.most_common(1)[0][0]
    return name, first[name]


def document_info(doc: ExtractedDocument, tuning: InfoTuning = DEFAULT.info) -> DocumentInfo:
    cover = _cover(doc, tuning)
    elsewhere = _metadata(doc)
    title = _title(cover, elsewhere, tuning.title_max_chars)
    info = DocumentInfo()
    if title is not None:
        info.title = title.text
        info.evidence["title"] = title.evidence()
    texts = [*cover, *elsewhere]
    typed = _document_type([*([title] if title else []), *texts])
    if typed is not None:
        info.document_type = typed.name
        info.evidence["document_type"] = typed.text.evidence()
    year = _year(typed, texts)
    if year is not None:
        info.year = year[0]
        info.evidence["year"] = year[1].evidence()
    municipality = _municipality(cover[: tuning.municipality_texts] + elsewhere)
    if municipality is not None:
        info.municipality = municipality[0]
        info.evidence["municipality"] = municipality[1].evidence()
    return info
