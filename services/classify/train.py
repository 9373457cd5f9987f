"""Learn the label model from a corpus: `python -m services.classify.train DIR`.

Every PDF is read by the same extract and classify code the product runs, its candidates are
aligned with the ground truth by text, and a logistic regression is fitted with scikit-learn.
The review threshold is calibrated on out-of-fold predictions (each report labelled by a model
that never saw it), because in-sample probabilities are too sure of themselves. All styles of a
report share their text, so a report is held out whole, never one style of it. Training is
deterministic: the same corpus gives the same weights, and the model records the SHA-256 of
the files it was trained on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from services.classify.core import read_document
from services.classify.features import Features
from services.classify.labels import Candidate, unit_feature_rows
from services.classify.model import MODEL_FILE, LabelModel, LinearModel
from services.classify.tuning import DEFAULT, ClassifyTuning
from shared.documents import ExtractedDocument

__all__ = ["CorpusDocument", "align", "fit", "read_corpus", "training_digest"]

# A feature must occur in this many reports to be learnt, so names of municipalities,
# organisations and local programmes never become evidence.
MIN_REPORTS = 2
MIN_COUNT = 3
# Inverse regularisation strength, chosen by leave-one-report-out macro-F1 on the dev corpus.
UNITS_C = 1.0
MIN_WEIGHT = 0.01
MATCH_RATIO = 0.9
# Texts whose lengths differ more than this are not compared, unless one holds the other
# and is at most LONGER_CONTAINED times as long (a paragraph the extractor joined to a heading).
LENGTH_RATIO = 0.8
LONGER_CONTAINED = 1.5
MAX_ITER = 5000
# The review threshold is calibrated on reports the model did not see; the training reports
# are split into this many groups for that.
INNER_FOLDS = 4


@dataclass(frozen=True)
class CorpusDocument:
    """One PDF of the corpus read by the product, with the truth label of each candidate."""

    report: str
    name: str
    style: str
    candidates: list[Candidate]
    truth: dict[int, str] = field(default_factory=dict)
    allowed: dict[int, tuple[str, ...]] = field(default_factory=dict)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _ratio(a: str, b: str) -> float:
    try:
        from rapidfuzz.fuzz import ratio

        return float(ratio(a, b)) / 100.0
    except ImportError:
        return SequenceMatcher(None, a, b, autojunk=False).ratio()


def align(texts: list[str], truth: list[str]) -> dict[int, int]:
    """Greedy one-to-one text alignment, candidate index -> truth index, as the scorer does."""
    pairs: list[tuple[float, int, int]] = []
    normed = [_norm(t) for t in texts]
    for ti, item in enumerate(truth):
        target = _norm(item)
        for ci, text in enumerate(normed):
            shorter, longer = sorted((len(text), len(target)))
            contained = target in text and len(text) <= LONGER_CONTAINED * len(target)
            if (not longer or shorter / longer < LENGTH_RATIO) and not contained:
                continue
            score = _ratio(text, target)
            if score >= MATCH_RATIO or contained:
                pairs.append((-score, ci, ti))
    pairs.sort()
    used_c: dict[int, int] = {}
    used_t: set[int] = set()
    for _, ci, ti in pairs:
        if ci in used_c or ti in used_t:
            continue
        used_c[ci] = ti
        used_t.add(ti)
    return used_c


def extract_cached(pdf: Path, cache: Path | None) -> ExtractedDocument:
    """The extract core on one PDF, kept in `cache` by content hash when a folder is given."""
    from services.extract.core import extract
    from services.ingest.core import document_id

    data = pdf.read_bytes()
    digest = document_id(data)
    cached = cache / f"{pdf.stem}.{digest[:12]}.json" if cache else None
    if cached is not None and cached.exists():
        return ExtractedDocument.model_validate_json(cached.read_text("utf-8"))
    doc = extract(data, digest, pdf.name)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(doc.model_dump_json(), "utf-8")
    return doc


def truth_files(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*.truth.json"))


def pdf_of(truth_path: Path) -> Path:
    return truth_path.with_name(truth_path.name.removesuffix(".truth.json") + ".pdf")


def corpus_document(
    truth_path: Path, extracted: ExtractedDocument, tuning: ClassifyTuning = DEFAULT
) -> CorpusDocument:
    """A read document with the truth label of every candidate that the truth has."""
    truth = json.loads(truth_path.read_text("utf-8"))
    candidates = read_document(extracted, tuning).candidates
    paragraphs = [p for p in truth["paragraphs"] if _norm(p["text"])]
    matched = align([c.text for c in candidates], [p["text"] for p in paragraphs])
    return CorpusDocument(
        report=str(truth["name"]),
        name=pdf_of(truth_path).stem,
        style=str(truth.get("style", "")),
        candidates=candidates,
        truth={ci: paragraphs[ti]["label"] for ci, ti in matched.items()},
        allowed={
            ci: (paragraphs[ti]["label"], *paragraphs[ti].get("alt", []))
            for ci, ti in matched.items()
        },
    )


def read_corpus(corpus: Path, cache: Path | None = None) -> list[CorpusDocument]:
    documents: list[CorpusDocument] = []
    for truth_path in truth_files(corpus):
        extracted = extract_cached(pdf_of(truth_path), cache)
        documents.append(corpus_document(truth_path, extracted))
        print(f"read {truth_path.name}", file=sys.stderr)
    return documents


def training_digest(corpus: Path) -> str:
    """SHA-256 over the names and bytes of every PDF and truth file the model learns from."""
    digest = hashlib.sha256()
    for truth_path in truth_files(corpus):
        for path in (pdf_of(truth_path), truth_path):
            digest.update(path.name.encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _fit_linear(
    rows: list[Features],
    labels: list[str],
    groups: list[str],
    c: float,
    spread: bool,
    balanced: bool,
) -> LinearModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if spread:
        counts: dict[str, int] = defaultdict(int)
        reports: dict[str, set[str]] = defaultdict(set)
        for row, group in zip(rows, groups, strict=True):
            for key in row:
                counts[key] += 1
                reports[key].add(group)
        needed = min(MIN_REPORTS, len(set(groups)))
        rows = [
            {k: v for k, v in row.items() if counts[k] >= MIN_COUNT and len(reports[k]) >= needed}
            for row in rows
        ]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    classifier = LogisticRegression(
        C=c, max_iter=MAX_ITER, class_weight="balanced" if balanced else None
    )
    classifier.fit(matrix, labels)
    classes = tuple(str(x) for x in classifier.classes_)
    coef = classifier.coef_
    intercepts = [float(v) for v in classifier.intercept_]
    # scikit-learn keeps one row of coefficients for two classes: the second class's side.
    if len(coef) == 1:
        coef = [-coef[0], coef[0]]
        intercepts = [-intercepts[0], intercepts[0]]
    weights: dict[str, tuple[float, ...]] = {}
    for index, name in enumerate(vectorizer.get_feature_names_out()):
        weight = tuple(float(coef[k][index]) for k in range(len(classes)))
        if max(abs(v) for v in weight) >= MIN_WEIGHT:
            weights[str(name)] = weight
    return LinearModel(classes=classes, intercepts=tuple(intercepts), weights=weights)


def _labelled(
    documents: Iterable[CorpusDocument], rows_of: dict[str, list[Features]]
) -> tuple[list[Features], list[str], list[str]]:
    rows: list[Features] = []
    labels: list[str] = []
    groups: list[str] = []
    for document in documents:
        doc_rows = rows_of[document.name]
        for index, label in sorted(document.truth.items()):
            rows.append(doc_rows[index])
            labels.append(label)
            groups.append(document.report)
    return rows, labels, groups


def _fit_units(
    documents: list[CorpusDocument], unit_rows: dict[str, list[Features]]
) -> LinearModel:
    rows, labels, groups = _labelled(documents, unit_rows)
    return _fit_linear(rows, labels, groups, UNITS_C, spread=True, balanced=True)


def _review_threshold(pairs: list[tuple[float, bool]]) -> float:
    """The probability below which flagging a label catches the most wrong labels for the
    fewest right ones (best F1 of 'flagged' against 'wrong')."""
    wrong_total = sum(1 for _, right in pairs if not right)
    if wrong_total == 0:
        return 0.0
    best, best_f1 = 0.0, 0.0
    for threshold in sorted({round(p, 2) for p, _ in pairs}):
        flagged = [right for p, right in pairs if p < threshold]
        caught = sum(1 for right in flagged if not right)
        if not flagged or not caught:
            continue
        precision = caught / len(flagged)
        recall = caught / wrong_total
        f1 = 2 * precision * recall / (precision + recall)
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return best


def fit(documents: list[CorpusDocument], digest: str = "") -> LabelModel:
    """The model from labelled documents, its review threshold from out-of-fold labels."""
    unit_rows = {d.name: unit_feature_rows(d.candidates) for d in documents}
    reports = sorted({d.report for d in documents})
    folds = min(INNER_FOLDS, len(reports))
    pairs: list[tuple[float, bool]] = []
    for fold in range(folds):
        held = set(reports[fold::folds])
        others = [d for d in documents if d.report not in held] or documents
        stage = _fit_units(others, unit_rows)
        for document in documents:
            if document.report not in held:
                continue
            for index in document.truth:
                probs = stage.probabilities(unit_rows[document.name][index])
                label = max(probs, key=lambda k: probs[k])
                pairs.append((probs[label], label in document.allowed[index]))
    return LabelModel(
        units=_fit_units(documents, unit_rows),
        review_below=_review_threshold(pairs),
        training_data=digest,
        trained_on=tuple(reports),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--cache", type=Path, default=None, help="cache extracted documents")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).with_name(MODEL_FILE), help="model file"
    )
    args = parser.parse_args(argv)
    documents = read_corpus(args.corpus, args.cache)
    if not any(d.truth for d in documents):
        print("no aligned paragraphs: nothing to train on", file=sys.stderr)
        return 1
    model = fit(documents, training_digest(args.corpus))
    args.out.write_text(model.dumps(), "utf-8")
    print(
        f"wrote {args.out}: {len(model.units.weights)} features, "
        f"review below {model.review_below:.2f}, training data {model.training_data[:12]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
