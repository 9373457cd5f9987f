"""`make bench`: where time goes, in one run on this machine.

1. the in-process limit: extract + classify cores called directly, one process per core;
2. the pipeline on the embedded stack, upload to stored, with one and with two extract instances;
3. the baseline an analyst would otherwise run: pdfplumber text + tables of the same PDFs;
4. the scanned dev reports in process against plain Tesseract on their pages (bench/scan.py).

Prints the figures and writes bench/results/latest.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from bench import scan
from bench.profile import scan_parts
from bench.workload import build, largest_first, page_count, scanned
from pcflow.cli import drop_into_inbox
from pcflow.health import metric_samples
from pcflow.stack import Stack, StackSettings, free_port, free_port_block
from shared.heap import freeze_startup_heap
from shared.status import FINAL

RESULTS = Path(__file__).resolve().parent / "results"
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "sample-begroting-2025.pdf"


def run_cores(path: Path) -> int:
    from pcflow.evaluate import evaluate_file

    evaluate_file(path)
    return page_count(path)


def run_pdfplumber(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()
        return len(pdf.pages)


def _settle(seconds: float) -> None:
    time.sleep(seconds)


def _warm_up(function: Callable[[Path], int]) -> None:
    function(SAMPLE)
    freeze_startup_heap()


def parallel_pages_per_s(function: Callable[[Path], int], files: list[Path], workers: int) -> float:
    """Pages/s of `function` over the files, one process per core, timed once the processes
    are up and warm (imports done, one sample document handled, start-up heap frozen), as the
    services are."""
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_warm_up, initargs=(function,)
    ) as pool:
        list(pool.map(_settle, [0.5] * workers))
        started = time.perf_counter()
        pages = sum(pool.map(function, largest_first(files)))
        return pages / (time.perf_counter() - started)


async def _wait_final(mongo_url: str, ids: list[str], timeout: float) -> list[dict[str, Any]]:
    """The status records once every document is final; one light query every 0.2 s, so the
    watching takes next to no CPU from the pipeline it measures."""
    fields = {"status": 1, "stages": 1, "uploaded_at": 1, "reason": 1, "_id": 0}
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url, tz_aware=True)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            cursor = client.pcflow.documents.find({"document_id": {"$in": ids}}, fields)
            records = [r async for r in cursor]
            if len(records) == len(ids) and all(r.get("status") in FINAL for r in records):
                return records
            await asyncio.sleep(0.2)
    finally:
        await client.close()
    raise TimeoutError("pipeline did not finish")


def wait_final(stack: Stack, ids: list[str], timeout: float = 1800) -> list[dict[str, Any]]:
    return asyncio.run(_wait_final(stack.settings.mongo_url.get_secret_value(), ids, timeout))


def scrape(port: int) -> dict[str, float]:
    """Sums and counts of the stage histograms one service exports."""
    values: dict[str, float] = {}
    for sample in metric_samples(port, timeout=5):
        if sample.name in ("pcflow_stage_core_seconds_sum", "pcflow_stage_core_seconds_count"):
            key = f"{sample.name}:{sample.labels.get('stage')}"
            values[key] = values.get(key, 0.0) + sample.value
        if sample.name == "faststream_received_processed_messages_duration_seconds_sum":
            key = f"handler:{sample.labels.get('handler', '')}"
            values[key] = values.get(key, 0.0) + sample.value
    return values


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
            except (OSError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def cpu_seconds(pid: int | None) -> float:
    """CPU time of a process and of everything below it, finished children included.

    The extraction sandboxes are children of the extract service's forkserver, which reaps
    them: their time is in its counters, not in the service's own.
    """
    if pid is None:
        return 0.0
    ticks = 0
    for member in [pid, *_descendants(pid)]:
        try:
            ticks += sum(int(value) for value in _stat(member)[11:15])
        except (OSError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int | None) -> float:
    if pid is None:
        return 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pipeline(files: list[Path], extract_instances: int, folder: Path) -> dict[str, Any]:
    settings = StackSettings(
        var_dir=folder / "var",
        kafka_port=free_port(),
        mongo_port=free_port(),
        metrics_port_base=free_port_block(20),
        web_port=free_port(),
        extract_instances=extract_instances,
    )
    stack = Stack(settings)
    stack.up()
    try:
        wait_final(stack, [drop_into_inbox(SAMPLE, settings.inbox)], timeout=120)
        cpu_before = {name: cpu_seconds(pid) for name, pid in stack.running().items()}
        started = datetime.now(UTC)
        ids = [drop_into_inbox(path, settings.inbox) for path in largest_first(files)]
        records = wait_final(stack, ids)
        failed = [r for r in records if r.get("status") != "stored"]
        if failed:
            raise RuntimeError(f"{len(failed)} documents failed: {failed[0].get('reason')}")
        wall = (max(r["stages"]["stored"] for r in records) - started).total_seconds()
        latencies = sorted(
            (r["stages"]["stored"] - r["uploaded_at"]).total_seconds() for r in records
        )
        metrics: dict[str, float] = {}
        for port in settings.metrics_ports().values():
            for key, value in scrape(port).items():
                metrics[key] = metrics.get(key, 0.0) + value
        stage_seconds = {
            stage: metrics.get(f"pcflow_stage_core_seconds_sum:{stage}", 0.0)
            for stage in ("extract", "classify")
        }
        handler_seconds = {
            key.removeprefix("handler:"): value
            for key, value in metrics.items()
            if key.startswith("handler:")
        }
        pages = sum(page_count(p) for p in files)
        return {
            "extract_instances": extract_instances,
            "pages": pages,
            "documents": len(files),
            "seconds": wall,
            "pages_per_s": pages / wall,
            "documents_per_s": len(files) / wall,
            "latency_p50_s": statistics.median(latencies),
            "latency_p95_s": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
            "core_seconds_per_stage": stage_seconds,
            "handler_seconds": handler_seconds,
            "peak_rss_mib": {name: peak_rss_mib(pid) for name, pid in stack.running().items()},
            "cpu_seconds": {
                name: cpu_seconds(pid) - cpu_before.get(name, 0.0)
                for name, pid in stack.running().items()
            },
        }
    finally:
        stack.down()


def extract_peak_rss_1000_pages(folder: Path) -> float:
    """Peak RSS of extracting 1,000 pages, measured in a fresh process of its own."""
    from bench.workload import born_digital, concatenate

    document = concatenate(born_digital(), 1000, folder / "long-1000p.pdf")
    # VmHWM, not ru_maxrss: Linux carries the peak of the process that started this one over
    # into ru_maxrss, and the benchmark that starts it has just OCRed the scans.
    probe = (
        "import re, sys\n"
        "from pathlib import Path\n"
        "from services.extract.core import extract\n"
        "data = Path(sys.argv[1]).read_bytes()\n"
        "doc = extract(data, 'f' * 64, 'long.pdf')\n"
        "assert doc.page_count == 1000\n"
        "status = Path('/proc/self/status').read_text()\n"
        "print(re.search(r'VmHWM:\\s*(\\d+) kB', status).group(1))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(document)], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = build(folder / "workload")
        pages = sum(page_count(p) for p in files)
        print(f"workload: {len(files)} documents, {pages} pages; {workers} cores")
        inprocess = parallel_pages_per_s(run_cores, files, workers)
        print(f"in process (extract + classify): {inprocess:.1f} pages/s")
        plumber = parallel_pages_per_s(run_pdfplumber, files, workers)
        print(f"pdfplumber (text + tables):      {plumber:.1f} pages/s")
        scans = scan.measure(scanned(), folder / "scan-pages", workers)
        print(
            f"scanned, in process: {scans['scan_pages_per_s']:.2f} pages/s "
            f"({scans['scan_pages']} pages, {scans['scan_seconds']:.1f} s); plain Tesseract "
            f"{scans['tesseract_seconds']:.1f} s: ocr/tesseract {scans['ocr_over_tesseract']:.2f} "
            f"(CPU {scans['ocr_over_tesseract_cpu']:.2f})"
        )
        runs = [pipeline(files, n, folder / f"pipeline-{n}") for n in (1, 2)]
        for run in runs:
            print(
                f"pipeline, {run['extract_instances']} extract: {run['pages_per_s']:.1f} pages/s, "
                f"{run['documents_per_s']:.2f} documents/s, p50 {run['latency_p50_s']:.1f} s, "
                f"p95 {run['latency_p95_s']:.1f} s"
            )
            print(f"  core seconds per stage: {run['core_seconds_per_stage']}")
            print(f"  handler seconds: {run['handler_seconds']}")
            print(f"  peak RSS MiB: {run['peak_rss_mib']}")
            print(f"  CPU seconds per process: {run['cpu_seconds']}")
        rss = extract_peak_rss_1000_pages(folder)
        print(f"extract peak RSS, 1,000 pages: {rss:.0f} MiB")
    best = max(run["pages_per_s"] for run in runs)
    results = {
        "inprocess_pages_per_s": inprocess,
        "pipeline_pages_per_s": best,
        "pdfplumber_pages_per_s": plumber,
        "pipeline_over_inprocess": best / inprocess,
        "inprocess_over_pdfplumber": inprocess / plumber,
        "extract_peak_rss_mib_1000_pages": rss,
        **scans,
        "scan_seconds_by_part": scan_parts(),
        "pipeline_runs": runs,
        "workload": {"documents": len(files), "pages": pages, "cores": workers},
    }
    print(
        f"pipeline/in-process {results['pipeline_over_inprocess']:.2f}, "
        f"in-process/pdfplumber {results['inprocess_over_pdfplumber']:.2f}"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
