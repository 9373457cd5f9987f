"""One document's trace crosses all four services through the W3C traceparent header."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from pcflow.stack import Stack
from tests.conftest import TraceCollector
from tests.e2e.test_pipeline import drop, wait_final

SERVICES = {"pcflow-ingest", "pcflow-extract", "pcflow-classify", "pcflow-store"}


def test_a_document_trace_has_spans_from_all_four_services(
    running_stack: Stack, trace_collector: TraceCollector, samples: Path
) -> None:
    doc_id = drop(running_stack, samples / "sample-jaarverslag-2023.pdf")
    record = asyncio.run(wait_final(running_stack, [doc_id]))[doc_id]
    assert record["status"] == "stored"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(services >= SERVICES for services in trace_collector.services_by_trace().values()):
            break
        time.sleep(1)
    complete = [s for s in trace_collector.services_by_trace().values() if s >= SERVICES]
    assert complete, f"traces seen: {trace_collector.services_by_trace()}"
