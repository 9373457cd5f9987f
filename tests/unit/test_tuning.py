"""The tuning objects: overrides by dotted path, and no thresholds left inside the cores."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from typer.testing import CliRunner

from pcflow.cli import app
from pcflow.tuning import TuningError, tuning_with
from services.classify.tuning import ClassifyTuning
from services.extract.core import looks_scanned
from services.extract.hocr import OcrLine, OcrWord
from services.extract.limits import ExtractLimits
from services.extract.ocr import to_lines
from services.extract.scan_image import Render
from services.extract.tuning import ExtractTuning

ROOT = Path(__file__).resolve().parents[2]
CORES = [ROOT / "services" / "extract", ROOT / "services" / "classify"]
# Every threshold lives in a tuning module; a number that is structure (an index, a unit) is a
# named constant with its reason beside it, never written in place.
MAX_LITERALS = 0


def _comparison_literals(path: Path) -> int:
    """Numbers other than 0, 1 and -1 inside comparisons: thresholds written in place."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Compare):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Constant)
                    and isinstance(inner.value, int | float)
                    and not isinstance(inner.value, bool)
                    and inner.value not in (0, 1, -1)
                ):
                    found.add((inner.lineno, inner.col_offset))
    return len(found)


def _core_files() -> list[Path]:
    return [
        path
        for core in CORES
        for path in sorted(core.rglob("*.py"))
        if path.name != "tuning.py" and "settings" not in path.name
    ]


def test_thresholds_live_in_the_tuning_modules() -> None:
    counts = {p: _comparison_literals(p) for p in _core_files()}
    assert sum(counts.values()) <= MAX_LITERALS, {str(p): n for p, n in counts.items() if n}


def test_override_by_dotted_path() -> None:
    tuning = tuning_with(["tables.min_numeric_share=0.55", "grids.tolerance_pt = 2.5"])
    assert tuning.classify.tables.min_numeric_share == 0.55
    assert tuning.extract.grids.tolerance_pt == 2.5
    assert tuning.classify.sections == ClassifyTuning().sections
    assert tuning_with([]).extract == ExtractTuning()


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("tables.min_numeric_shar=0.5", "tables has"),
        ("nothing.x=1", "starts with none of"),
        ("tables=1", "group of settings"),
        ("tables.min_numeric_share.x=1", "unknown setting"),
        ("tables.min_numeric_share", "PATH=VALUE"),
        ("tables.min_numeric_share=much", "valid number"),
        ("tables.continuation_pages=1.5", "valid integer"),
        ("tables.min_numeric_share=1.5", "less than or equal to 1"),
    ],
)
def test_override_errors_are_clear(assignment: str, message: str) -> None:
    with pytest.raises(TuningError, match=message):
        tuning_with([assignment])


def test_tuning_travels_with_the_limits() -> None:
    """The sandbox sends the limits to its children as JSON: the tuning must survive it."""
    tuning = tuning_with(["grids.min_width_pt=30"]).extract
    sent = ExtractLimits(tuning=tuning).model_dump()
    assert ExtractLimits.model_validate(sent).tuning == tuning


def test_concern_names_tell_the_stage() -> None:
    assert not set(ExtractTuning.model_fields) & set(ClassifyTuning.model_fields)


def test_eval_refuses_an_unknown_setting(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", str(tmp_path), "--out", str(tmp_path / "out"), "--set", "tables.nope=1"]
    )
    assert result.exit_code == 2
    assert "unknown setting" in result.output


def _half_scanned_page() -> pymupdf.Document:
    """A page without text whose one picture covers 15 % of it."""
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 10, 10), False)
    pix.clear_with(200)
    page.insert_image(pymupdf.Rect(0, 0, 600, 120), pixmap=pix, keep_proportion=False)
    return doc


def test_an_ocr_override_reaches_the_scan_check() -> None:
    """`core` hands `limits.tuning` down to `ocr.needs_ocr`, which decides what is a scan."""
    doc = _half_scanned_page()
    assert not looks_scanned(doc, ExtractLimits())
    tuning = tuning_with(["ocr.min_image_share=0.1"]).extract
    assert looks_scanned(doc, ExtractLimits(tuning=tuning))


def test_an_ocr_word_gap_override_reaches_the_ocr_lines() -> None:
    """Tesseract's line is cut at a gap wider than `text.ocr_word_gap_em` of its size."""
    words = [OcrWord((0, 0, 100, 40), "Gemeente", 96), OcrWord((160, 0, 260, 40), "Bergdijk", 96)]
    ocr = [OcrLine((0, 0, 260, 40), 40.0, words)]
    render = Render(np.zeros((10, 10), dtype=np.uint8), 300, 0, 0)
    assert len(to_lines(ocr, render, 1, ExtractTuning().text)) == 2
    wide = tuning_with(["text.ocr_word_gap_em=2"]).extract
    assert [ln.text for ln in to_lines(ocr, render, 1, wide.text)] == ["Gemeente Bergdijk"]
