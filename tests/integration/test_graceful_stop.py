"""SIGTERM to a service in the middle of a document: the document still ends stored, once.

The stop is the one `pcflow down` sends (SIGTERM to the service's process group, sandbox
children included). Either the service finishes the document before it exits, or the message
goes back to the topic and the restarted service processes it: both keep the document.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import time
from pathlib import Path

import pymupdf
import pytest

from pcflow.dlq import read_dead_letters
from pcflow.health import metric_samples
from pcflow.settings import tool_settings
from pcflow.stack import Stack
from tests.e2e.test_pipeline import drop, structured_messages, wait_final

pytestmark = pytest.mark.integration


def scanned_report(samples: Path, pages: int) -> bytes:
    """A sample report printed and scanned `pages` times: OCR keeps extract busy for seconds."""
    source = pymupdf.open(samples / "sample-jaarverslag-2023.pdf")
    image = source[0].get_pixmap(dpi=200)
    scan = pymupdf.open()
    for _ in range(pages):
        page = scan.new_page(width=source[0].rect.width, height=source[0].rect.height)
        page.insert_image(page.rect, pixmap=image)
    data: bytes = scan.tobytes()
    return data


def messages_in_process(stack: Stack, service: str) -> float:
    port = stack.settings.metrics_ports()[service]
    return sum(
        sample.value
        for sample in metric_samples(port, timeout=5)
        if sample.name == "faststream_received_messages_in_process"
    )


def test_sigterm_mid_document_loses_nothing(
    running_stack: Stack, samples: Path, tmp_path: Path
) -> None:
    stack = running_stack
    source = tmp_path / "scanned-jaarverslag.pdf"
    source.write_bytes(scanned_report(samples, pages=6))
    doc_id = hashlib.sha256(source.read_bytes()).hexdigest()
    drop(stack, source)

    deadline = time.monotonic() + 60
    while messages_in_process(stack, "extract") < 1:
        assert time.monotonic() < deadline, "extract never started on the document"
        time.sleep(0.2)
    pid = stack.pid("extract")
    assert pid is not None
    time.sleep(1)  # well into the OCR of its pages
    assert messages_in_process(stack, "extract") >= 1, "the document is still in flight"

    os.killpg(pid, signal.SIGTERM)
    stopped_by = time.monotonic() + stack.service_stop_seconds()
    while stack.pid("extract") is not None:
        assert time.monotonic() < stopped_by, "extract did not stop within its graceful timeout"
        time.sleep(0.1)

    stack.start_services()
    stack.wait_healthy()
    record = asyncio.run(wait_final(stack, [doc_id]))[doc_id]
    assert record["status"] == "stored", record.get("reason")
    published = [m for m in asyncio.run(structured_messages(stack)) if m.document_id == doc_id]
    assert published, "the structured document reached the topic"
    letters = asyncio.run(read_dead_letters(tool_settings(stack.settings)))
    assert not [letter for letter in letters if letter.document_id == doc_id]
