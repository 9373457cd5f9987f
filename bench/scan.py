"""Scanned reports in `make bench`: pcflow in process against plain Tesseract on the same pages.

OCR sets the pace of a scanned report, so its yardstick is the engine alone: one `tesseract`
pass per page image, at the resolution pcflow OCRs at, with as many processes at a time as
pcflow gets and one thread each. Both are timed in the same run, twice each, interleaved, so
that a burst of other work on the machine weighs on both alike; the faster run of each counts.
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from bench.workload import largest_first, page_count
from services.extract.limits import ExtractLimits

# Two interleaved rounds: enough to drop one run that other work slowed down.
ROUNDS = 2


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall-clock and CPU seconds (engine processes included) of one pass over the pages."""

    seconds: float
    cpu_seconds: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def page_images(files: list[Path], folder: Path, dpi: int) -> list[Path]:
    """Every page of the files as a grey PNG at `dpi`, as Tesseract is given a scan."""
    folder.mkdir(parents=True, exist_ok=True)
    images: list[Path] = []
    for path in files:
        with pymupdf.open(path) as doc:
            for page in doc:
                image = folder / f"{path.stem}-{page.number:03d}.png"
                page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY).save(image)
                images.append(image)
    return images


def _tesseract(image: Path, language: str) -> None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = ["tesseract", str(image), "-", "-l", language]
    subprocess.run(command, capture_output=True, check=True, env=env)


def tesseract_pass(images: list[Path], workers: int, language: str) -> Timing:
    """Plain Tesseract on every page image, `workers` processes at a time."""
    cpu = _children_cpu()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda image: _tesseract(image, language), images))
    return Timing(time.perf_counter() - started, _children_cpu() - cpu)


def _pcflow(path: Path) -> float:
    """CPU seconds of the extract and classify cores on one document, Tesseract included."""
    from pcflow.evaluate import evaluate_file

    cpu, children = time.process_time(), _children_cpu()
    evaluate_file(path)
    return time.process_time() - cpu + _children_cpu() - children


def pcflow_pass(files: list[Path], workers: int) -> Timing:
    """The cores on every document, one process per worker, largest documents first, timed
    once the processes are up with their imports done."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(time.sleep, [0.5] * workers))
        list(pool.map(_import_cores, range(workers)))
        started = time.perf_counter()
        cpu = sum(pool.map(_pcflow, largest_first(files)))
        return Timing(time.perf_counter() - started, cpu)


def _import_cores(_: int) -> None:
    import pcflow.evaluate  # noqa: F401


def measure(files: list[Path], folder: Path, workers: int) -> dict[str, float]:
    """pcflow against plain Tesseract on the scanned files; the figures `latest.json` keeps."""
    limits = ExtractLimits()
    images = page_images(files, folder, limits.ocr_dpi)
    pcflow: list[Timing] = []
    engine: list[Timing] = []
    for _ in range(ROUNDS):
        engine.append(tesseract_pass(images, workers, limits.ocr_language))
        pcflow.append(pcflow_pass(files, workers))
    ours = min(pcflow, key=lambda t: t.seconds)
    theirs = min(engine, key=lambda t: t.seconds)
    pages = sum(page_count(p) for p in files)
    return {
        "scan_pages": pages,
        "scan_pages_per_s": pages / ours.seconds,
        "scan_seconds": ours.seconds,
        "tesseract_seconds": theirs.seconds,
        "ocr_over_tesseract": ours.seconds / theirs.seconds,
        "scan_cpu_seconds": min(t.cpu_seconds for t in pcflow),
        "tesseract_cpu_seconds": min(t.cpu_seconds for t in engine),
        "ocr_over_tesseract_cpu": min(t.cpu_seconds for t in pcflow)
        / min(t.cpu_seconds for t in engine),
    }
