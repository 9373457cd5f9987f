"""Throughput and memory of the extraction core.

    python -m bench.bench_extract [--pages 1000]

Prints pages per second for text-only and text+tables extraction of the born-digital corpus
documents in process, through the sandbox the service uses, and through the extract service on
the embedded stack; and the peak RSS of extracting a long document built by concatenating those
documents, measured in a fresh child process so nothing else counts.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.workload import concatenate
from services.extract.core import extract
from services.extract.limits import ExtractLimits
from services.extract.sandbox import extract_in_sandbox, start_children_server
from shared import topics

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "dev"


def _sources() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*.pdf") if p.stem.endswith(("-A", "-B")))


def _throughput(
    files: list[Path], limits: ExtractLimits, rounds: int = 2, *, sandboxed: bool = False
) -> float:
    """Pages/s of the core alone, or of the sandboxed call the extract service makes."""
    run = extract_in_sandbox if sandboxed else extract
    pages = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for path in files:
            pages += run(path.read_bytes(), path.stem, path.name, limits).page_count
    return pages / (time.perf_counter() - start)


def _through_service(files: list[Path], folder: Path) -> float:
    """Pages/s of the extract service's handler on the embedded stack, from its metrics."""
    from bench.run import pipeline

    run = pipeline(files, 1, folder)
    return float(run["pages"]) / float(run["handler_seconds"][topics.UPLOADED])


def _measure_child(path: Path) -> None:
    """Child mode: extract one file and report pages, seconds and peak RSS in MiB."""
    data = path.read_bytes()
    start = time.perf_counter()
    doc = extract(data, path.stem, path.name, ExtractLimits())
    elapsed = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{doc.page_count} {elapsed:.2f} {peak_mib:.1f} {len(doc.blocks)} {len(doc.tables)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _measure_child(args.measure)
        return 0
    files = _sources()
    if not files:
        print(f"no corpus documents in {CORPUS}", file=sys.stderr)
        return 1
    text_only = _throughput(files, ExtractLimits(tables=False))
    with_tables = _throughput(files, ExtractLimits())
    print(f"in process, text only:      {text_only:7.1f} pages/s")
    print(f"in process, text + tables:  {with_tables:7.1f} pages/s")
    start_children_server()
    sandbox_text = _throughput(files, ExtractLimits(tables=False), sandboxed=True)
    sandbox_tables = _throughput(files, ExtractLimits(), sandboxed=True)
    print(f"sandboxed, text only:       {sandbox_text:7.1f} pages/s")
    print(f"sandboxed, text + tables:   {sandbox_tables:7.1f} pages/s")
    with tempfile.TemporaryDirectory() as tmp:
        service = _through_service(files, Path(tmp) / "service")
        print(f"through the extract service, text + tables: {service:7.1f} pages/s")
        long_pdf = Path(tmp) / "long.pdf"
        concatenate(files, args.pages, long_pdf)
        result = subprocess.run(
            [sys.executable, "-m", "bench.bench_extract", "--measure", str(long_pdf)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
    pages, seconds, peak, blocks, tables = result.stdout.split()
    rate = int(pages) / float(seconds)
    print(
        f"{pages}-page document: {float(seconds):.1f} s ({rate:.1f} pages/s),"
        f" peak RSS {float(peak):.0f} MiB, {blocks} blocks, {tables} tables"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
