"""Generates the published contracts: a JSON Schema per topic and the AsyncAPI document.

`--check` fails when the committed files differ from what the code would generate, so a
change to an event cannot reach consumers without its schema changing in the same commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from faststream.specification import AsyncAPI

from services.classify.app import create_app as classify_app
from services.extract.app import create_app as extract_app
from services.ingest.app import create_app as ingest_app
from services.store.app import create_app as store_app
from shared.events import EVENTS
from shared.version import PIPELINE_VERSION


def render() -> dict[str, str]:
    files = {
        f"{topic}.schema.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True)
        + "\n"
        for topic, model in EVENTS.items()
    }
    brokers = [
        broker
        for factory in (ingest_app, extract_app, classify_app, store_app)
        if (broker := factory().broker) is not None
    ]
    spec = AsyncAPI(
        *brokers,
        title="pcflow",
        version=PIPELINE_VERSION,
        description="Dutch municipal P&C report PDFs in, structured documents out.",
    ).to_specification()
    files["asyncapi.json"] = json.dumps(json.loads(spec.to_json()), indent=2, sort_keys=True) + "\n"
    return files


def main(argv: list[str]) -> int:
    target = Path(argv[0])
    check = "--check" in argv
    stale = []
    for name, text in render().items():
        path = target / name
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        print(f"stale generated files in {target}: {', '.join(stale)}; run `make schemas`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
