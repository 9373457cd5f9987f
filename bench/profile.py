"""`make profile`: where the extract and classify cores spend their time.

    python -m bench.profile [--pages 300]

Profiles both cores with pyinstrument on one long document of the benchmark workload (the
born-digital dev reports concatenated) and prints each call tree, trimmed to the frames that
take at least 2 % of the time. This is how the hot paths named in the README were found.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from pyinstrument import Profiler

from bench.workload import born_digital, concatenate
from services.classify.core import classify
from services.extract.core import extract
from shared.version import PIPELINE_VERSION


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
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


def _tree(profiler: Profiler) -> str:
    return profiler.output_text(
        time="percent_of_total", processor_options={"filter_threshold": 0.02}
    )


if __name__ == "__main__":
    main()
