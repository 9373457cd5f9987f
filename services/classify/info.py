"""Document facts from the first page: municipality, type of P&C document, year and title.

Cover pages name the municipality ("Gemeente X") and the document ("Jaarverslag 2019"); the
same words appear in running headers, which the extractor keeps in metadata when it strips them.
"""

from __future__ import annotations

import re
from collections import Counter

from services.classify.cues import normalise
from shared.documents import DocumentInfo, ExtractedDocument, TextBlock

__all__ = ["document_info"]

_TYPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bvoorjaarsnota\b"), "voorjaarsnota"),
    (re.compile(r"\bnajaarsnota\b"), "najaarsnota"),
    (re.compile(r"\bkadernota\b"), "kadernota"),
    (re.compile(r"\bperspectiefnota\b"), "kadernota"),
    (
        re.compile(r"\b(?:bestuurs|beleids|tussen|voortgangs)rapportage\b|\bburap\b|\bberap\b"),
        "voortgangsrapportage",
    ),
    (re.compile(r"\bjaarrapportage\b|\bjaarrapport\b"), "jaarrapportage"),
    (re.compile(r"\bjaarrekening\b"), "jaarrekening"),
    (re.compile(r"\bjaarverslag\b|\bjaarstukken\b|\bjaarverantwoording\b"), "jaarverslag"),
    (re.compile(r"\bprogrammabegroting\b|\bbegroting\b"), "begroting"),
]
_TYPE_WORD = re.compile(
    r"\b(?:programma)?(?:begroting|jaarverslag|jaarrekening|jaarstukken|voorjaarsnota|najaarsnota|"
    r"kadernota|perspectiefnota|\w*rapportage|jaarverantwoording|burap|berap)\b",
    re.IGNORECASE,
)
_MUNICIPALITY = re.compile(r"\bgemeente\s+([^\W\d][\w'\-]*(?:\s+[^\W\d][\w'\-/]*){0,4})", re.I)
_NOT_A_NAME = re.compile(
    r"^(?:\d|jaar|begroting|programma|raad|college|in|is|heeft|wordt|en|met)", re.I
)
# The cover is read from the first blocks of the first pages, each cut short: a title is short.
COVER_BLOCKS = 40
COVER_CHARS = 400
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def _cased(name: str) -> str:
    if name.isupper() or name.islower():
        return "-".join(part.capitalize() for part in name.lower().split("-"))
    return name


def _title_blocks(doc: ExtractedDocument) -> list[TextBlock]:
    first_pages = sorted({b.page for b in doc.blocks[: COVER_BLOCKS * 4]})[:2]
    return [b for b in doc.blocks if b.page in first_pages]


def document_info(doc: ExtractedDocument) -> DocumentInfo:
    blocks = _title_blocks(doc)[:COVER_BLOCKS]
    texts = [" ".join(b.text[:COVER_CHARS].split()) for b in blocks]
    meta = " ".join(
        v
        for k, v in doc.metadata.items()
        if k.lower() in ("title", "subject", "author", "header", "footer")
    )
    ordered = sorted(blocks, key=lambda b: (-b.size, b.seq))
    title = ""
    for block in ordered:
        text = " ".join(block.text[:COVER_CHARS].split())
        if _TYPE_WORD.search(text) and len(text) < 120:
            title = re.sub(r"^gemeente\s+\S+\s*", "", text, flags=re.IGNORECASE) or text
            break
    haystack = " ".join([title, *texts[:30], meta, doc.filename.replace("-", " ")])
    municipality = ""
    counts: Counter[str] = Counter()
    for text in [*texts[:30], meta]:
        for match in _MUNICIPALITY.finditer(text):
            words: list[str] = []
            for word in match.group(1).split():
                if _NOT_A_NAME.match(word) or _TYPE_WORD.search(word):
                    break
                words.append(word)
            if words:
                counts[_cased(" ".join(words))] += 1
    if counts:
        municipality = counts.most_common(1)[0][0]
    norm = normalise(title or haystack)
    document_type = next((t for p, t in _TYPES if p.search(norm)), "")
    if not document_type:
        norm_haystack = normalise(haystack)
        document_type = next((t for p, t in _TYPES if p.search(norm_haystack)), "")
    years = _YEAR.findall(title) or _YEAR.findall(haystack)
    year = int(years[0]) if years else None
    return DocumentInfo(
        title=title, municipality=municipality, document_type=document_type, year=year
    )
