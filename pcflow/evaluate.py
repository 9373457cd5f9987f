"""`pcflow eval`: the extract and classify cores in process, as the scorer expects them.

With `--loro` the label model is also judged the honest way: for every report of a corpus with
ground truth, a model is trained on the other reports and labels the held-out one, in every
style. Those predictions are what the product would do on a report it has never seen; the
shipped model's labels on its own training reports are printed apart, as in-sample figures.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from pcflow.evaluation import evaluation_view
from pcflow.tuning import Tuning
from services.classify.core import classify
from services.classify.train import align, corpus_document, fit, pdf_of, truth_files
from services.extract.core import extract
from services.extract.limits import ExtractLimits
from services.extract.tuning import ExtractTuning
from services.ingest.core import document_id
from shared.documents import ExtractedDocument, StructuredDocument
from shared.version import PIPELINE_VERSION

__all__ = ["LeaveOneReportOut", "classify_file", "evaluate_file", "leave_one_report_out"]

MISSED = "(missed)"


def _extract(pdf: Path, tuning: ExtractTuning) -> ExtractedDocument:
    data = pdf.read_bytes()
    return extract(data, document_id(data), pdf.name, ExtractLimits(tuning=tuning))


def classify_file(pdf: Path, tuning: Tuning | None = None) -> StructuredDocument:
    tuning = tuning or Tuning()
    return classify(_extract(pdf, tuning.extract), PIPELINE_VERSION, tuning=tuning.classify)


def evaluate_file(pdf: Path, tuning: Tuning | None = None) -> dict[str, Any]:
    return evaluation_view(classify_file(pdf, tuning))


@dataclass
class LeaveOneReportOut:
    """Evaluation views per PDF stem, and the held-out labels against the truth."""

    in_sample: dict[str, dict[str, Any]] = field(default_factory=dict)
    held_out: dict[str, dict[str, Any]] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)


def _confusion(truth_path: Path, view: dict[str, Any]) -> Counter[tuple[str, str]]:
    """(truth label, predicted label) per truth paragraph; an alternative label the truth
    allows counts as right, a paragraph never found as MISSED."""
    truth = [p for p in json.loads(truth_path.read_text("utf-8"))["paragraphs"] if p["text"]]
    predicted = view["paragraphs"]
    matched = {
        ti: ci
        for ci, ti in align([p["text"] for p in predicted], [p["text"] for p in truth]).items()
    }
    counts: Counter[tuple[str, str]] = Counter()
    for ti, item in enumerate(truth):
        if ti not in matched:
            counts[(item["label"], MISSED)] += 1
            continue
        label = predicted[matched[ti]]["label"]
        right = label in (item["label"], *item.get("alt", []))
        counts[(label if right else item["label"], label)] += 1
    return counts


def leave_one_report_out(
    corpus: Path, workers: int, progress: Callable[[str], None], tuning: Tuning | None = None
) -> LeaveOneReportOut:
    """Extract every PDF once, then label each report with a model that never saw it; the
    models are learnt from what the tuned core reads."""
    tuning = tuning or Tuning()
    paths = truth_files(corpus)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        extracted = list(
            pool.map(partial(_extract, tuning=tuning.extract), [pdf_of(p) for p in paths])
        )
    documents = []
    for path, doc in zip(paths, extracted, strict=True):
        documents.append(corpus_document(path, doc, tuning.classify))
        progress(f"read {path.name.removesuffix('.truth.json')}")
    result = LeaveOneReportOut()
    for path, doc in zip(paths, extracted, strict=True):
        in_sample = classify(doc, PIPELINE_VERSION, tuning=tuning.classify)
        result.in_sample[pdf_of(path).stem] = evaluation_view(in_sample)
    for report in sorted({d.report for d in documents}):
        model = fit([d for d in documents if d.report != report])
        for path, doc, read in zip(paths, extracted, documents, strict=True):
            if read.report != report:
                continue
            view = evaluation_view(classify(doc, PIPELINE_VERSION, model, tuning.classify))
            result.held_out[read.name] = view
            result.confusion.update(_confusion(path, view))
        progress(f"held out {report}")
    return result
