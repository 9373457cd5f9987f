"""What the label model sees of a unit: its own words and the structure around it.

Every feature is a name with a value, so the weights stay readable in `model.json` and the
evidence of a label can name the features that decided it. Text features are Dutch lemmas
(`simplemma` ships the lemma data in its wheel, so "daalde", "gedaald" and "dalen" are one
word), word pairs, the grammar that tells a measure from a result from an explanation (tense,
modality, an infinitive opening) and the vocabulary groups of P&C reports. Structure features
come from `Position` (headings and their cues), the column a table cell stands in, an inline
prefix and the sentence that introduces a list.

The constants below define features, so the weights in `model.json` were learnt with them: they
are changed by retraining (`make train`), not tuned like the thresholds in `tuning.py`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

import simplemma

from services.classify.cues import Context, inline_context, list_intro_context, normalise
from services.classify.scopes import Position
from shared.years import YEAR, is_year

__all__ = ["heading_features", "lemmas", "text_features", "unit_features"]

Features = dict[str, float]

_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+(?:[.,]\d+)*|[€%]")
_AMOUNT = re.compile(r"€\s?-?\d|\b\d+(?:[.,]\d+)*\s?(?:euro|miljoen|mln|duizend)\b")
_PERCENT = re.compile(r"\d\s?%|\bprocent\b")
# "Beleidsplan sociaal domein 2020–2024": the period of a plan, a title rather than a statement.
_YEAR_RANGE = re.compile(rf"\b{YEAR}\s?[-–/]\s?(?:19|20)?\d\d\b")
_TITLE_SHARE = 0.5
_LIST_BUCKETS = (0, 1, 2, 4)
# A unit is read up to this many characters: enough for any paragraph's wording, and a
# hostile text run of megabytes costs no more than a long paragraph.
MAX_FEATURE_CHARS = 4000
# No Dutch word is longer; a longer run of letters is noise, not a word to look up.
MAX_WORD_CHARS = 40
_LENGTH_BUCKETS = (4, 10, 25, 60)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Vocabulary groups of P&C reports. Each is a convention of the genre, not of one report:
# explanations give causes and deviations, results give changes against a target, activities
# name measures and who carries them out, progress reports give a status.
VOCABULARY: dict[str, frozenset[str]] = {
    "causal": _words(
        "doordat omdat vanwege oorzaak gevolg veroorzaken verklaren verklaring toeschrijven "
        "dankzij daardoor hierdoor waardoor"
    ),
    "deviation": _words(
        "voordeel nadeel voordelig nadelig overschrijding onderschrijding afwijking afwijken "
        "tekort overschot onderbesteding overbesteding bijstelling bijstellen begroot begroting "
        "raming ramen prognose incidenteel structureel budget meevaller tegenvaller"
    ),
    "change": _words(
        "stijgen dalen toenemen afnemen stijging daling groei groeien toename afname verbeteren "
        "verslechteren verminderen halveren verdubbelen oplopen teruglopen hoger lager meer minder"
    ),
    "achieved": _words(
        "bereiken realiseren behalen halen resultaat gerealiseerd behaald streefwaarde norm "
        "doelstelling doel effect tevreden score aandeel percentage"
    ),
    "measure": _words(
        "inzetten uitvoeren organiseren ontwikkelen aanbieden uitbreiden starten opzetten "
        "subsidiëren subsidie inkopen inkoop contracteren investeren project pilot aanpak "
        "maatregel activiteit programma plan werken samenwerken ondersteunen begeleiden "
        "voortzetten continueren invoeren implementeren"
    ),
    "progress": _words(
        "stand voortgang status vertraging vertraagd gereed afgerond lopen schema uitvoering "
        "gestart planning nog opgeleverd"
    ),
    "plan": _words("gaan zullen willen zullen voornemen plannen streven beogen"),
    "subject_we": _words("wij we college gemeente"),
    "document": _words(
        "paragraaf hoofdstuk bijlage leeswijzer hieronder onderstaand tabel overzicht "
        "rapportage brief nota beleidskader kader verordening beleidsplan"
    ),
}
_GROUP_OF = {word: group for group, words in VOCABULARY.items() for word in words}
# Dutch writes compounds as one word ("hoofddoel", "jeugdhulpbudget"): the last part names it.
_MIN_COMPOUND_PART = 4
# ... after a first part of at least this many letters.
_MIN_COMPOUND_HEAD = 2


def _group(lemma: str) -> str | None:
    found = _GROUP_OF.get(lemma)
    if found is not None or len(lemma) <= _MIN_COMPOUND_PART + _MIN_COMPOUND_HEAD:
        return found
    for start in range(_MIN_COMPOUND_HEAD, len(lemma) - _MIN_COMPOUND_PART + 1):
        found = _GROUP_OF.get(lemma[start:])
        if found is not None:
            return found
    return None


_FUTURE = _words("gaan gaat zullen zal zult")
_PERFECT_AUX = _words("is zijn heeft hebben werd werden was waren wordt worden")
# A past participle has its "ge" within its first letters, after a separable prefix
# ("vastgesteld", "uitgevoerd").
_PARTICIPLE_PREFIX_REACH = 6
_MODAL = _words("kunnen kan moeten moet mogen mag")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=65536)
def _lemma(token: str) -> str:
    return simplemma.lemmatize(token, lang="nl").replace("_", "")


def lemmas(text: str) -> list[str]:
    """Lemmas of the words, numbers reduced to their shape ("<num>", "<year>")."""
    out: list[str] = []
    for token in _TOKEN.findall(text[:MAX_FEATURE_CHARS].casefold()):
        if len(token) > MAX_WORD_CHARS:
            out.append("<long>")
        elif token[0].isdigit():
            out.append("<year>" if is_year(token) else "<num>")
        elif token in ("€", "%"):
            out.append(token)
        else:
            out.append(_fold(_lemma(token)))
    return out


def _bucket(value: int, bounds: tuple[int, ...]) -> int:
    return sum(value > b for b in bounds)


def _grammar(tokens: list[str], lemma_list: list[str]) -> list[str]:
    """Tense and modality: a measure is planned or done, a result is reached or changed."""
    found: list[str] = []
    words = [t for t in tokens if t[0].isalpha()]
    if any(t in _FUTURE for t in words):
        found.append("future")
    if any(t in _MODAL for t in words):
        found.append("modal")
    participles = [
        t
        for t, lem in zip(tokens, lemma_list, strict=True)
        if t != lem
        and lem.endswith("en")
        and "ge" in t[:_PARTICIPLE_PREFIX_REACH]
        and t.endswith(("d", "t", "en"))
    ]
    if participles and any(t in _PERFECT_AUX for t in words):
        found.append("perfect")
    if any(
        t != lem and lem.endswith("en") and t.endswith(("de", "te", "den", "ten"))
        for t, lem in zip(tokens, lemma_list, strict=True)
    ):
        found.append("preterite")
    if words and words[0].endswith("en") and _lemma(words[0]) == words[0]:
        found.append("infinitive_opening")
    return found


@lru_cache(maxsize=32768)
def _text_features(full_text: str) -> tuple[tuple[str, float], ...]:
    text = full_text[:MAX_FEATURE_CHARS]
    folded = _fold(text)
    tokens = [t for t in _TOKEN.findall(text.casefold())]
    lemma_list = lemmas(text)
    feats: Features = {}
    for lemma in lemma_list:
        feats[f"w:{lemma}"] = 1.0
        group = _group(lemma)
        if group is not None:
            feats[f"grp:{group}"] = 1.0
    for a, b in pairwise(lemma_list):
        feats[f"ww:{a}_{b}"] = 1.0
    if lemma_list:
        feats[f"first:{lemma_list[0]}"] = 1.0
    grammar = _grammar([_fold(t) for t in tokens], lemma_list)
    for name in grammar:
        feats[f"gram:{name}"] = 1.0
    if any(_GROUP_OF.get(lemma) == "subject_we" for lemma in lemma_list):
        # "Wij hebben ... ingezet" reports a measure; "wij zetten ... in" announces one.
        past = "perfect" in grammar or "preterite" in grammar
        feats["we_did" if past else "we_do"] = 1.0
    if _AMOUNT.search(folded):
        feats["amount"] = 1.0
    if _PERCENT.search(folded):
        feats["percent"] = 1.0
    if "<num>" in lemma_list:
        feats["number"] = 1.0
    if "<year>" in lemma_list:
        feats["year"] = 1.0
    if _YEAR_RANGE.search(text):
        feats["year_range"] = 1.0
    words = [t for t in text.split() if t[:1].isalpha()]
    if len(words) > 1 and sum(w[0].isupper() for w in words) > _TITLE_SHARE * len(words):
        feats["title_case"] = 1.0
    if text.rstrip().endswith(":"):
        feats["colon_end"] = 1.0
    if text.rstrip().endswith(";"):
        feats["semicolon_end"] = 1.0
    feats[f"len:{_bucket(len(lemma_list), _LENGTH_BUCKETS)}"] = 1.0
    return tuple(sorted(feats.items()))


def text_features(text: str, prefix: str = "") -> Features:
    """The features of a piece of text, names prefixed when the text is context, not the unit."""
    return {prefix + name: value for name, value in _text_features(text)}


# Heading words shorter than this ("de", "en") say nothing of the section.
_MIN_HEADING_WORD = 3


@lru_cache(maxsize=4096)
def _heading_words(heading: str) -> tuple[str, ...]:
    return tuple(
        sorted({w for w in lemmas(heading) if w[0].isalpha() and len(w) >= _MIN_HEADING_WORD})
    )


def heading_features(position: Position) -> Features:
    """The heading facts of a unit's position."""
    feats: Features = {f"idx:{_bucket(position.index, _LIST_BUCKETS)}": 1.0}
    if position.cue is not None:
        feats[f"cue:{position.cue}"] = 1.0
        feats[f"near_cue:{position.cue}"] = 1.0
        depth = min(position.cue_depth, 2)
        feats[f"cue:{position.cue}:depth{depth}"] = 1.0
        if position.cue_tense:
            feats[f"cue:{position.cue}:{position.cue_tense}"] = 1.0
        if position.cue == "kosten" and depth > 0:
            # A subsection of the cost question ("Wat heeft het gekost?" > "6.3 Inkomen")
            # explains the figures of one part of the budget.
            feats["near_cue:toelichting"] = 1.0
    elif position.after_cue is not None:
        # Reports often set the topics that answer a BBV question as its siblings ("Wat
        # hebben we gedaan?", "Aanpak eenzaamheid", "Cliëntondersteuning"): the question
        # governs them as if they stood under it.
        feats[f"cue:{position.after_cue}"] = 1.0
    else:
        feats["cue:none"] = 1.0
    if position.after_cue is not None:
        feats[f"after_cue:{position.after_cue}"] = 1.0
        feats[f"near_cue:{position.after_cue}"] = 1.0
    if position.deviation:
        # A heading that names a deviation asks for its explanation (BBV: explain every
        # deviation per taakveld), whatever cue stands above it.
        feats["heading_deviation"] = 1.0
        feats["near_cue:toelichting"] = 1.0
    for word in _heading_words(position.heading):
        feats[f"hw:{word}"] = 1.0
    return feats


def _nearest_cue(feats: Features, source: str, context: Context) -> None:
    """A cue that stands nearer to the unit than any heading, named by where it comes from and
    shared with heading cues, so what one report teaches about a cue serves another."""
    feats[f"{source}:{context}"] = 1.0
    feats[f"cue:{context}"] = 1.0
    feats[f"near_cue:{context}"] = 1.0


def unit_features(
    text: str,
    kind: str,
    position: Position,
    column: Context | None,
    column_header: str,
    intro: str,
) -> Features:
    """Everything the label model knows of one unit before it sees its neighbours' labels."""
    feats = text_features(text)
    inline = inline_context(text)
    # "... leidde tot de volgende resultaten:" is of a piece with the list it opens.
    listed = list_intro_context(intro or text)
    if column is None and inline is None and listed is None:
        feats.update(heading_features(position))
    elif column is not None:
        # A cell's nearest heading is its column header: the heading above the table names
        # the table, not the column.
        _nearest_cue(feats, "col", column)
    feats[f"kind:{kind}"] = 1.0
    if inline is not None:
        # An inline "Resultaat:" or "Wat gaan we doen? ..." is a heading run into the text.
        _nearest_cue(feats, "inline", inline)
    if column_header:
        for word in _heading_words(normalise(column_header)):
            feats[f"colw:{word}"] = 1.0
    if listed is not None:
        # A list item's nearest heading is the sentence that introduces its list.
        _nearest_cue(feats, "list_of", listed)
    if intro:
        for name, value in _text_features(intro):
            if name.startswith(("w:", "grp:", "gram:")):
                feats[f"intro:{name}"] = value
        intro_cue = inline_context(intro)
        if intro_cue is not None:
            # "Wat gaan we doen? Wij ... de volgende:" heads the list it introduces.
            feats[f"intro:inline:{intro_cue}"] = 1.0
            feats[f"near_cue:{intro_cue}"] = 1.0
    return feats
