"""`pcflow eval`: the extract and classify cores in process, as the scorer expects them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pcflow.evaluation import evaluation_view
from services.classify.core import classify
from services.extract.core import extract
from services.ingest.core import document_id
from shared.version import PIPELINE_VERSION


def evaluate_file(pdf: Path) -> dict[str, Any]:
    data = pdf.read_bytes()
    extracted = extract(data, document_id(data), pdf.name)
    return evaluation_view(classify(extracted, PIPELINE_VERSION))
