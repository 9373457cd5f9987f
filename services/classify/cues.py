"""Textual cues of the BBV report structure, shared by headings, labels and columns.

The BBV prescribes the three W-questions per programme; municipalities phrase them in every
tense ("Wat willen we bereiken?", "Wat hebben we bereikt?", "Wat zijn we blijven doen?") and
variants, so the cues are patterns over normalised text rather than fixed strings.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Context = Literal["activiteit", "resultaat", "toelichting", "kosten", "overig"]

# Reports ask the BBV questions of "we", but also of the municipality or the college by name.
_WE = r"(?:we|wij|u|je|zij|de gemeente|het college|de raad)"
_COMBINING = re.compile(r"[\u0300-\u036f]")


def normalise(text: str) -> str:
    """Lower-case, accents stripped, whitespace collapsed: the form cues are matched on."""
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.casefold().replace("’", "'").split())


BBV_QUESTIONS: list[tuple[re.Pattern[str], Context]] = [
    (re.compile(rf"^wat (?:willen|wilden|wilde|wil) {_WE}\b.*\bbereiken"), "resultaat"),
    (re.compile(rf"^wat (?:hebben|hadden|heeft|had) {_WE}\b.*\bbereikt"), "resultaat"),
    (re.compile(r"^wat (?:is|werd|wordt) (?:er )?bereikt"), "resultaat"),
    (re.compile(rf"^wat (?:bereiken|bereikten|bereikt) {_WE}\b"), "resultaat"),
    (re.compile(rf"^wat (?:gaan|gaat|gingen|ging|zullen|zal) {_WE}\b.*\bdoen"), "activiteit"),
    (re.compile(rf"^wat (?:doen|deden|doet|deed) {_WE}\b"), "activiteit"),
    (re.compile(rf"^wat (?:hebben|hadden|heeft|had) {_WE}\b.*\bgedaan"), "activiteit"),
    (re.compile(rf"^wat (?:zijn|blijven|is|blijft) {_WE} (?:blijven |nog )?doen"), "activiteit"),
    (
        re.compile(
            r"^wat (?:gaat|mag|zal|heeft|kost|gaan|mogen|hebben) (?:het|dat|deze|dit)\b.*kost"
        ),
        "kosten",
    ),
    (re.compile(r"^wat (?:kost|kostte) (?:het|dat)"), "kosten"),
    # The monitor's first question ("Wat zien we?") asks for the developments and their causes.
    (re.compile(rf"^wat (?:zien|zagen|signaleren|merken) {_WE}\b"), "toelichting"),
    (re.compile(r"^wat (?:is|zijn) er (?:gebeurd|veranderd)\b"), "toelichting"),
]

Tense = Literal["past", "future", "present"]

# The tense of a BBV question tells a jaarverslag ("Wat hebben we bereikt?") from a begroting
# ("Wat willen we bereiken?"): the same label reads differently in each.
_PAST_QUESTION = re.compile(
    r"^wat (?:hebben|hadden|heeft|had|wilden|wilde|gingen|ging|deden|deed|kostte|zijn)\b"
)
_FUTURE_QUESTION = re.compile(r"^wat (?:gaan|gaat|zullen|zal|willen|wil|mag|mogen)\b")


def question_tense(text: str) -> Tense:
    norm = normalise(text)
    if _PAST_QUESTION.search(norm) or re.search(r"\b(?:gedaan|bereikt|gekost)\b", norm):
        return "past"
    if _FUTURE_QUESTION.search(norm):
        return "future"
    return "present"


# Headings that name what follows without being a BBV question.
SECTION_CUES: list[tuple[re.Pattern[str], Context, bool]] = [
    # (pattern, context, long scope)
    (
        re.compile(
            r"^(?:financiele toelichting|toelichting (?:op )?(?:de )?"
            r"(?:financien|afwijking|verschil|mutatie|budget|cijfers)\w*)"
        ),
        "toelichting",
        True,
    ),
    (
        re.compile(r"^(?:analyse (?:van )?(?:de )?(?:afwijkingen|verschillen)|verschillenanalyse)"),
        "toelichting",
        True,
    ),
    (re.compile(r"^(?:toelichting|stand van zaken|voortgang|status)\b"), "toelichting", True),
    (re.compile(r"^(?:hoofd)?doel(?:stelling)?(?:en)?\b"), "resultaat", False),
    (
        re.compile(r"^(?:beoogd(?:e)? )?(?:maatschappelijk(?:e)? )?(?:effect|effecten)\b"),
        "resultaat",
        False,
    ),
    (
        re.compile(r"^beoogd(?:e)? (?:maatschappelijk(?:e)? )?(?:effect|resulta)"),
        "resultaat",
        False,
    ),
    (re.compile(r"^(?:behaalde |beoogde )?resultaten\b"), "resultaat", True),
    (
        re.compile(
            r"^(?:activiteiten|prestaties|uitgevoerde activiteiten|geplande activiteiten)\b"
        ),
        "activiteit",
        True,
    ),
    (
        re.compile(
            r"^(?:financieel overzicht|financiele (?:overzicht|middelen)"
            r"|financien|lasten en baten|baten en lasten|overzicht (?:van )?baten en lasten)\b"
        ),
        "kosten",
        False,
    ),
    # The standard parts of a BBV programme that are neither aims, measures nor explanations:
    # they end the run of activity or result sections before them.
    (
        re.compile(
            r"^(?:kengetallen|beleidsindicatoren|indicatoren|verbonden partijen|risico'?s"
            r"|investeringen|(?:relevante |kaderstellende )?beleids(?:kaders|nota'?s|stukken)"
            r"|(?:onze )?uitgangspunten|bijlagen?|inleiding|leeswijzer)\b"
        ),
        "overig",
        True,
    ),
]

# A deviation named in a heading: "6.10.0 Preventie (voordeel € 73.000)", "Jeugd: nadeel € 1 mln",
# "Bijzondere bijstand 241 N". The BBV asks an explanation per deviation, so text under such a
# heading tends to explain.
DEVIATION = re.compile(r"\b(?:voordeel|nadeel|voordelig|nadelig)\b|\b(?:v|n)\b\)?\s*$")

INLINE_CUES: list[tuple[re.Pattern[str], Context]] = [
    (re.compile(r"^(?:beoogd |behaald )?resulta(?:at|ten)\s*:"), "resultaat"),
    (re.compile(r"^(?:doel|doelstelling|effect)\s*:"), "resultaat"),
    (re.compile(r"^(?:activiteit(?:en)?|maatregel(?:en)?|actie(?:s)?)\s*:"), "activiteit"),
    (
        re.compile(
            r"^(?:financiele toelichting|toelichting(?: afwijking(?:en)?)?"
            r"|stand van zaken|voortgang|status)\s*:"
        ),
        "toelichting",
    ),
]

# An amount with a word of deviation: the language of a financial explanation.
DEVIATION_TEXT = re.compile(
    r"(?=.*(?:€|\beuro\b)\s?\d)(?=.*\b(?:voordeel|nadeel|overschrijding|onderschrijding|"
    r"bijgesteld|bijstelling|hogere|lagere|afwijking|incidenteel|structureel)\b)"
)

TABLE_INTRO = re.compile(
    r"(?:onderstaande|volgende|navolgende|deze) (?:tabel|overzicht|staat|beeld)|"
    r"\bals volgt\b|\bin de tabel\b|\bhet volgende beeld\b|\bwordt? (?:hieronder )?toegelicht\s*:?$"
)


def question_context(text: str) -> Context | None:
    norm = normalise(text)
    if not norm.startswith("wat "):
        return None
    for pattern, context in BBV_QUESTIONS:
        if pattern.search(norm):
            return context
    return None


def heading_context(text: str) -> tuple[Context, bool] | None:
    """The label context a heading opens and whether it lasts over same-level subheadings."""
    question = question_context(text)
    if question is not None:
        return question, True
    norm = normalise(text)
    for pattern, context, long_scope in SECTION_CUES:
        if pattern.search(norm):
            return context, long_scope
    return None


# A BBV question run into its paragraph: "Wat gaan we doen? Wij breiden ... uit."
_INLINE_QUESTION = re.compile(r"^(wat [^?]{3,80}\?)\s*\S")


def inline_context(text: str) -> Context | None:
    """The label a paragraph's own opening names: "Resultaat:", or a BBV question."""
    norm = normalise(text)
    for pattern, context in INLINE_CUES:
        if pattern.search(norm):
            return context
    question = _INLINE_QUESTION.search(norm)
    return question_context(question.group(1)) if question else None


# The sentence that introduces a list says what the items are: causes ("Dit kwam doordat:"),
# the make-up of a deviation ("Het nadeel is als volgt opgebouwd:"), results ("leidde tot de
# volgende resultaten:"), measures ("heeft de gemeente de volgende maatregelen genomen:") or the
# framework a report works within ("gelden de volgende uitgangspunten:").
LIST_INTRO_CUES: list[tuple[re.Pattern[str], Context]] = [
    (
        re.compile(
            r"\b(?:doordat|omdat|oorzaak|oorzaken|verklaring|verklaard|als volgt opgebouwd"
            r"|bestaat uit|komt door|kwam door)\b[^:]*:$"
        ),
        "toelichting",
    ),
    (
        re.compile(r"\b(?:uitgangspunten|kaders|beleidskaders|stellen uw raad voor)\b[^:]*:$"),
        "overig",
    ),
    (
        re.compile(
            r"\b(?:resultaten|bereikt|behaald|bereiken dat|doelen|doelstellingen|hoofddoelen)"
            r"\b[^:]*:$"
        ),
        "resultaat",
    ),
    (
        re.compile(
            rf"\b(?:maatregelen|stappen|activiteiten|acties|inzet|zetten {_WE} in op"
            rf"|(?:heeft|hebben) {_WE}(?: in \d{{4}})?)\b[^:]*:$"
        ),
        "activiteit",
    ),
]


def list_intro_context(text: str) -> Context | None:
    """What the items of a list are, as the sentence introducing them says."""
    norm = normalise(text)
    if not norm.endswith(":"):
        return None
    last = norm.rsplit(". ", 1)[-1]
    for pattern, context in LIST_INTRO_CUES:
        if pattern.search(last):
            return context
    return None


COLUMN_CUES: list[tuple[re.Pattern[str], Context]] = [
    (
        re.compile(r"toelichting|stand van zaken|voortgang|realisatie|verantwoording|opmerking"),
        "toelichting",
    ),
    # A target value ("Streefwaarde 2025") states the intended result; the indicator's name
    # beside it only says what is measured.
    (re.compile(r"resulta|doel|effect|beoogd|streefwaarde"), "resultaat"),
    # BBV "prestaties" are what the municipality delivers: the answer to "wat gaan we doen?".
    (
        re.compile(
            r"activiteit|maatregel|actie|prestatie|wat gaan we doen|wat doen we|project|inspanning"
        ),
        "activiteit",
    ),
]


def column_context(header: str) -> Context | None:
    norm = normalise(header)
    if not norm:
        return None
    for pattern, context in COLUMN_CUES:
        if pattern.search(norm):
            return context
    return None
