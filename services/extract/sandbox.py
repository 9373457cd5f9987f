"""Run the extraction in child processes with CPU-time, memory and wall-clock limits.

MuPDF and Tesseract are C code: a hostile file can make them loop, allocate without bound or
crash. In a child process with RLIMIT_CPU and RLIMIT_AS set (see child.py), any of that ends
the child only, and the parent turns the way it ended into a typed, permanent
`ExtractionError`. Children are forked from a forkserver, a clean process started once, so
they inherit neither the service's threads nor its event loop.

A long document's pages are spread over several children (`ExtractLimits.page_workers`), so one
300-page report does not leave the other cores idle while it is parsed.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import multiprocessing.forkserver
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

from shared.documents import ExtractedDocument

from .child import DONE, SPLIT, Shared, helper_main, lead_main
from .core import ocr_pages
from .errors import (
    ERRORS_BY_REASON,
    CorruptDocument,
    ExtractionError,
    ExtractionMemoryExceeded,
    ExtractionTimeout,
    NotAPdf,
)
from .limits import ExtractLimits
from .sniff import check_pdf_bytes

# Children fork from a server that has already imported the extractor, so each document costs
# a fork rather than a fresh interpreter; the service's entry module is preloaded too, because
# every child re-imports it. The first module makes the server and its children ignore SIGTERM;
# the last runs one small extraction so that children start with the extractor warm.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(
    [
        "services.extract.forkserver_init",
        "services.extract.child",
        "services.extract.core",
        "services.extract.app",
        "services.extract.warm",
    ]
)


# A forkserver child's exit code is read from a pipe, once, by whichever thread polls the child
# first, and `Process.start` polls every child of the process (multiprocessing's `_cleanup`).
# Documents are extracted on several threads at once: two threads polling one child together
# leave one of them with nothing to read, which multiprocessing reports as exit code 255, and
# a good document would be dead-lettered as corrupt. Every poll is made under this lock.
_POLLING = threading.Lock()


def start_children_server() -> None:
    """Start the forkserver now rather than at the first document.

    Starting it imports the extractor and the service (about a second of CPU); done while the
    service starts, the first document after a deploy does not pay for it.
    """
    multiprocessing.forkserver.ensure_running()


def _crash_error(returncode: int, limits: ExtractLimits) -> ExtractionError:
    if returncode < 0:
        sig = -returncode
        if sig == signal.SIGXCPU:
            return ExtractionTimeout(f"the extraction used more than {limits.cpu_seconds} s of CPU")
        if sig == signal.SIGKILL:
            return ExtractionMemoryExceeded("the extraction process was killed (out of memory)")
        return CorruptDocument(f"the PDF parser crashed (signal {sig})")
    return CorruptDocument(f"the PDF parser ended without a result (exit code {returncode})")


def _failure(out: bytes) -> ExtractionError:
    """The typed error a child reported."""
    try:
        msg = json.loads(out)
    except ValueError as exc:
        return CorruptDocument(f"the extraction returned an unreadable result: {exc}")
    reason, text = str(msg.get("reason", "corrupt")), str(msg.get("message", ""))
    if reason == "not_pdf":
        return NotAPdf(text, detected_type=str(msg.get("detected_type") or "unknown"))
    return ERRORS_BY_REASON.get(reason, CorruptDocument)(text)


def _document(out: bytes) -> ExtractedDocument:
    prefix = b'{"status": "ok", "document": '
    if not out.startswith(prefix):
        raise _failure(out)
    try:
        return ExtractedDocument.model_validate_json(out[len(prefix) : -1])
    except ValueError as exc:
        raise CorruptDocument(f"the extraction returned an unreadable result: {exc}") from exc


class _Child:
    """One sandbox child and its end of the pipe, watched against the extraction's deadline."""

    def __init__(self, target: Callable[..., None], *args: Any, limits: ExtractLimits) -> None:
        self.limits = limits
        self.conn, child_end = _CONTEXT.Pipe(duplex=True)
        self.proc = _CONTEXT.Process(target=target, args=(child_end, *args), daemon=True)
        with _POLLING:
            self.proc.start()
        child_end.close()

    def ended(self, timeout: float | None) -> int | None:
        """Wait up to `timeout` s for the child to end; its exit code, or None while it runs.

        The wait only watches the pipe; the code is read under `_POLLING`.
        """
        wait([self.proc.sentinel], timeout)
        with _POLLING:
            return self.proc.exitcode

    def receive(self, deadline: float) -> bytes:
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            raise ExtractionTimeout(
                f"the extraction took longer than {self.limits.wall_seconds:.0f} s"
            )
        try:
            return self.conn.recv_bytes()
        except EOFError:
            raise _crash_error(self.ended(5) or 1, self.limits) from None

    def send(self, payload: bytes) -> None:
        with contextlib.suppress(OSError):  # a child that died is reported by `receive`
            self.conn.send_bytes(payload)

    def finish(self) -> None:
        """Wait for a clean exit; a child that ends badly after answering is not trusted."""
        exitcode = self.ended(5)
        if exitcode != 0:
            raise _crash_error(exitcode or 1, self.limits)

    def stop(self) -> None:
        self.conn.close()
        if self.ended(0) is None:
            self.proc.kill()
            self.ended(None)


def extract_in_sandbox(
    data: bytes, document_id: str, filename: str = "", limits: ExtractLimits | None = None
) -> ExtractedDocument:
    """`extract` in resource-limited child processes; same result, same typed errors.

    The cheap checks (empty input, magic bytes) run here first, so junk never costs a process.
    Blocking: call it from a worker thread in async code.
    """
    limits = limits or ExtractLimits()
    check_pdf_bytes(data)
    deadline = time.monotonic() + limits.wall_seconds
    request = {"document_id": document_id, "filename": filename, "limits": limits.model_dump()}
    shared = Shared(
        next_page=_CONTEXT.Value("i", 0),
        ocr_left=_CONTEXT.Value("i", ocr_pages(limits)),
    )
    children = [_Child(lead_main, request, data, shared, limits=limits)]
    try:
        lead = children[0]
        out = lead.receive(deadline)
        if out.startswith(b'{"status": "' + SPLIT.encode()):
            split = json.loads(out)
            helpers = [
                _Child(helper_main, request, data, shared, int(split["chunk"]), limits=limits)
                for _ in range(int(split["helpers"]))
            ]
            children.extend(helpers)
            _relay(helpers, lead, deadline)
            out = lead.receive(deadline)
        for child in children:
            child.finish()
        return _document(out)
    finally:
        for child in children:
            child.stop()


def _relay(helpers: list[_Child], lead: _Child, deadline: float) -> None:
    """Pass each run of pages a helper sends on to the lead, unread, as it comes; then tell
    the lead that all have come. A helper's error, or the lead's (it answers early only when
    it failed), ends the extraction."""
    working = list(helpers)
    while working:
        conns = [helper.conn for helper in working]
        ready = wait([*conns, lead.conn], timeout=max(0.0, deadline - time.monotonic()))
        if not ready:
            raise ExtractionTimeout(
                f"the extraction took longer than {lead.limits.wall_seconds:.0f} s"
            )
        if lead.conn in ready:
            raise _failure(lead.receive(deadline))
        for helper in [h for h in working if h.conn in ready]:
            out = helper.receive(deadline)
            if out == DONE:
                working.remove(helper)
            elif out.startswith(b"{"):
                raise _failure(out)
            else:
                lead.send(out)
    lead.send(DONE)
