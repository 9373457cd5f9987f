"""Rebuild the lexical model from a corpus directory: `python -m services.classify.train DIR`.

Every PDF is read by the same extract and classify code the product runs, its paragraph
candidates are aligned with the ground truth by text, and a logistic regression is fitted on
words plus the structural context. Scores are reported leave-one-report-out: all styles of one
report are held out together, because they share their text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from services.classify.core import read_document
from services.classify.labels import Candidate, label_candidate
from services.classify.model import MODEL_FILE, LexicalModel, features
from shared.documents import ExtractedDocument

LABELS = ("activiteit", "resultaat", "toelichting", "overig")
MIN_WEIGHT = 0.05
# A word must occur in this many reports to become a feature, so names of municipalities,
# organisations and local programmes never do.
MIN_REPORTS = 2
MATCH_RATIO = 0.9


@dataclass(frozen=True)
class Example:
    report: str
    candidate: Candidate
    label: str
    allowed: tuple[str, ...]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _ratio(a: str, b: str) -> float:
    try:
        from rapidfuzz.fuzz import ratio

        return float(ratio(a, b)) / 100.0
    except ImportError:
        return SequenceMatcher(None, a, b, autojunk=False).ratio()


def align(candidates: list[Candidate], truth: list[dict[str, Any]]) -> dict[int, int]:
    """Greedy one-to-one text alignment, candidate index -> truth index."""
    pairs: list[tuple[float, int, int]] = []
    texts = [_norm(c.text) for c in candidates]
    for ti, item in enumerate(truth):
        target = _norm(item["text"])
        for ci, text in enumerate(texts):
            shorter, longer = sorted((len(text), len(target)))
            contained = target in text and len(text) <= 1.5 * len(target)
            if (not longer or shorter / longer < 0.8) and not contained:
                continue
            score = _ratio(text, target)
            if score >= MATCH_RATIO or (target in text and len(text) <= 1.5 * len(target)):
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


def _extract(pdf: Path, cache: Path | None) -> ExtractedDocument:
    from services.extract.core import extract

    data = pdf.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    cached = cache / f"{pdf.stem}.{digest[:12]}.json" if cache else None
    if cached is not None and cached.exists():
        return ExtractedDocument.model_validate_json(cached.read_text("utf-8"))
    doc = extract(data, digest, pdf.name)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(doc.model_dump_json(), "utf-8")
    return doc


def collect(corpus: Path, styles: str, cache: Path | None) -> list[Example]:
    examples: list[Example] = []
    for truth_path in sorted(corpus.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text("utf-8"))
        if str(truth.get("style", "")) not in styles:
            continue
        pdf = truth_path.with_name(truth_path.name.removesuffix(".truth.json") + ".pdf")
        candidates = read_document(_extract(pdf, cache)).candidates
        paragraphs = [p for p in truth["paragraphs"] if _norm(p["text"])]
        for ci, ti in align(candidates, paragraphs).items():
            item = paragraphs[ti]
            examples.append(
                Example(
                    report=str(truth["name"]),
                    candidate=candidates[ci],
                    label=item["label"],
                    allowed=(item["label"], *item.get("alt", [])),
                )
            )
        print(f"{pdf.name}: {len(candidates)} candidates, {len(paragraphs)} truth", file=sys.stderr)
    return examples


def fit(examples: list[Example], min_count: int = 3, c: float = 0.1) -> LexicalModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [_feature_dict(e.candidate) for e in examples]
    counts: dict[str, int] = defaultdict(int)
    reports: dict[str, set[str]] = defaultdict(set)
    for row, example in zip(rows, examples, strict=True):
        for key in row:
            counts[key] += 1
            reports[key].add(example.report)
    spread = min(MIN_REPORTS, len({e.report for e in examples}))
    rows = [
        {k: v for k, v in row.items() if counts[k] >= min_count and len(reports[k]) >= spread}
        for row in rows
    ]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    labels = [e.label for e in examples]
    classifier = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    classifier.fit(matrix, labels)
    classes = tuple(str(x) for x in classifier.classes_)
    coef = classifier.coef_
    intercepts = classifier.intercept_
    if len(classes) == 2:
        coef = [-coef[0], coef[0]]
        intercepts = [-intercepts[0], intercepts[0]]
    weights: dict[str, tuple[float, ...]] = {}
    for index, name in enumerate(vectorizer.get_feature_names_out()):
        weight = tuple(float(coef[k][index]) for k in range(len(classes)))
        if max(abs(v) for v in weight) >= MIN_WEIGHT:
            weights[str(name)] = weight
    return LexicalModel(
        classes=classes, intercepts=tuple(float(v) for v in intercepts), weights=weights
    )


def _feature_dict(candidate: Candidate) -> dict[str, float]:
    return dict.fromkeys(features(candidate.text, candidate.model_context(), candidate.kind), 1.0)


def _macro_f1(pairs: list[tuple[str, str]]) -> float:
    present = [lab for lab in LABELS if any(lab in p for p in pairs)]
    scores = []
    for lab in present:
        tp = sum(1 for t, p in pairs if t == lab and p == lab)
        fp = sum(1 for t, p in pairs if t != lab and p == lab)
        fn = sum(1 for t, p in pairs if t == lab and p != lab)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0)
    return sum(scores) / len(scores) if scores else 1.0


def _pairs(examples: list[Example], model: LexicalModel | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for example in examples:
        predicted = label_candidate(example.candidate, model)[0]
        truth = predicted if predicted in example.allowed else example.label
        out.append((truth, predicted))
    return out


def _model_pairs(examples: list[Example], model: LexicalModel | None) -> list[tuple[str, str]]:
    """The model's own label for every paragraph, cues given to it only as features."""
    out: list[tuple[str, str]] = []
    for example in examples:
        candidate = example.candidate
        predicted = "overig"
        if model is not None:
            context = candidate.model_context()
            predicted = model.predict(candidate.text, context, candidate.kind)[0]
        out.append((predicted if predicted in example.allowed else example.label, predicted))
    return out


def leave_one_report_out(examples: list[Example]) -> dict[str, dict[str, float]]:
    """Pipeline labels (cues + model) on each held-out report, next to cues alone and the
    model alone."""
    reports = sorted({e.report for e in examples})
    result: dict[str, dict[str, float]] = {}
    pooled_model: list[tuple[str, str]] = []
    pooled_cues: list[tuple[str, str]] = []
    pooled_alone: list[tuple[str, str]] = []
    for report in reports:
        train = [e for e in examples if e.report != report]
        test = [e for e in examples if e.report == report]
        model = fit(train) if len({e.label for e in train}) > 1 else None
        with_model = _pairs(test, model)
        cues_only = _pairs(test, None)
        alone = _model_pairs(test, model)
        pooled_model += with_model
        pooled_cues += cues_only
        pooled_alone += alone
        result[report] = {
            "n": len(test),
            "macro_f1": _macro_f1(with_model),
            "accuracy": sum(t == p for t, p in with_model) / max(len(with_model), 1),
            "cues_only_macro_f1": _macro_f1(cues_only),
            "model_alone_macro_f1": _macro_f1(alone),
        }
    result["pooled"] = {
        "n": len(pooled_model),
        "macro_f1": _macro_f1(pooled_model),
        "accuracy": sum(t == p for t, p in pooled_model) / max(len(pooled_model), 1),
        "cues_only_macro_f1": _macro_f1(pooled_cues),
        "model_alone_macro_f1": _macro_f1(pooled_alone),
    }
    return result


def _dump(model: LexicalModel) -> str:
    """One feature per line, so a retrained model reviews as a readable diff."""
    data = model.to_json()
    weights = data.pop("weights")
    head = json.dumps(data, ensure_ascii=False)[:-1]
    rows = ",\n".join(
        f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in weights.items()
    )
    return f'{head}, "weights": {{\n{rows}\n}}}}\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--styles", default="AB", help="corpus styles to read (C needs OCR)")
    parser.add_argument("--cache", type=Path, default=None, help="cache extracted documents")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).with_name(MODEL_FILE), help="model file"
    )
    args = parser.parse_args(argv)
    examples = collect(args.corpus, args.styles, args.cache)
    if not examples:
        print("no aligned paragraphs: nothing to train on", file=sys.stderr)
        return 1
    scores = leave_one_report_out(examples)
    print("leave-one-report-out (all styles of a report held out together):")
    for report, s in scores.items():
        print(
            f"  {report:<40} n={int(s['n']):4d}  macro-F1 {s['macro_f1']:.3f}  "
            f"accuracy {s['accuracy']:.3f}  (cues only {s['cues_only_macro_f1']:.3f}, "
            f"model alone {s['model_alone_macro_f1']:.3f})"
        )
    model = fit(examples)
    args.out.write_text(_dump(model), "utf-8")
    print(f"wrote {args.out} ({len(model.weights)} weighted features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
