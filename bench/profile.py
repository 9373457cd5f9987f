"""`make profile`: where the extract and classify cores spend their time.

    python -m bench.profile [--pages 300] [--scan bergdijk-jaarverslag-2022-C.pdf]

Profiles both cores with pyinstrument on one long document of the benchmark workload (the
born-digital dev reports concatenated) and prints each call tree, trimmed to the frames that
take at least 2 % of the time. This is how the hot paths named in the README were found.

A scanned dev report is profiled apart, and its extraction's time is split into the parts an
OCR pipeline has: the page's OCR pass, cells read again, rendering, binarisation and image
analysis (skew, rules), and the layout analysis that follows (everything else). The parts are
wall-clock time: Tesseract runs as a program of its own, which a profiler of this process sees
only as the time spent waiting for it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from pyinstrument import Profiler
from pyinstrument.frame import Frame

from bench.workload import CORPUS, born_digital, concatenate
from services.classify.core import classify
from services.extract.core import extract
from shared.version import PIPELINE_VERSION

SCAN = "bergdijk-jaarverslag-2022-C.pdf"

# (part, module, function): the first frame on a call path that matches names the part of
# everything below it.
PARTS = (
    ("page OCR", "services/extract/tesseract.py", "recognise"),
    ("cell OCR", "services/extract/digits.py", "read_cells"),
    ("rendering", "services/extract/scan_image.py", "render_page"),
    ("binarisation", "services/extract/binarize.py", "clean_ink"),
    ("binarisation", "services/extract/binarize.py", "to_gray"),
    ("binarisation", "services/extract/scan_image.py", "erase_rules"),
    ("binarisation", "services/extract/ocr.py", "without_grid_rules"),
    ("image analysis", "services/extract/scan_image.py", "estimate_skew"),
    ("image analysis", "services/extract/ocr.py", "table_grids"),
)
LAYOUT = "layout"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--scan", default=SCAN, help="scanned dev report to profile")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = concatenate(born_digital(), args.pages, Path(tmp) / "long.pdf").read_bytes()
    profiler = Profiler()
    with profiler:
        extracted = extract(data, "f" * 64, "long.pdf")
    print(f"extract, {extracted.page_count} pages")
    print(_tree(profiler))
    profiler = Profiler()
    with profiler:
        classify(extracted, PIPELINE_VERSION)
    print("classify")
    print(_tree(profiler))
    profiler = Profiler()
    with profiler:
        extracted = extract((CORPUS / args.scan).read_bytes(), "f" * 64, args.scan)
    print(f"extract, scanned: {args.scan}, {extracted.page_count} pages")
    print(_tree(profiler))
    for part, seconds in _parts(profiler).items():
        print(f"  {part:<15} {seconds:6.2f} s")


def scan_parts(name: str = SCAN) -> dict[str, float]:
    """Seconds of each part of extracting one scanned dev report."""
    profiler = Profiler()
    with profiler:
        extract((CORPUS / name).read_bytes(), "f" * 64, name)
    return _parts(profiler)


def _parts(profiler: Profiler) -> dict[str, float]:
    root = profiler.last_session.root_frame() if profiler.last_session else None
    totals = {part: 0.0 for part, _, _ in PARTS}
    stack: list[Frame] = [root] if root else []
    while stack:
        frame = stack.pop()
        path = (frame.file_path or "").replace("\\", "/")
        part = next(
            (p for p, module, name in PARTS if path.endswith(module) and frame.function == name),
            None,
        )
        if part is None:
            stack.extend(frame.children)
        else:
            totals[part] += frame.time
    totals[LAYOUT] = (root.time if root else 0.0) - sum(totals.values())
    return {part: round(seconds, 2) for part, seconds in totals.items()}


def _tree(profiler: Profiler) -> str:
    return profiler.output_text(
        time="percent_of_total", processor_options={"filter_threshold": 0.02}
    )


if __name__ == "__main__":
    main()
