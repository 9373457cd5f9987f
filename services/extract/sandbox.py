"""Run the extraction's page analysis in child processes with CPU-time, memory and wall-clock
limits; the parent drives them and assembles the document.

MuPDF and Tesseract are C code: a hostile file can make them loop, allocate without bound or
crash. In a child process with RLIMIT_CPU and RLIMIT_AS set (see child.py), any of that ends
the child only, and the parent turns the way it ended into a typed, permanent
`ExtractionError`. Children are forked from a forkserver, a clean process started once, so
they inherit neither the service's threads nor its event loop.

The parent never opens the file. The first child reports its page count and whether it is a
scan; the parent decides the split (split_plan.py), starts the other children, reads their
typed replies (messages.py) with a restricted unpickler (reply_pickle.py) as they come, and
assembles the document from the page analyses once every child has finished. A long document's
pages are spread over several children (`ExtractLimits.page_workers`), so one 300-page report
does not leave the other cores idle while it is parsed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import multiprocessing.forkserver
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any, assert_never

from shared.documents import ExtractedDocument

from .child import first_main, helper_main
from .core import DocumentFacts, PagesResult, assemble, ocr_pages
from .errors import (
    ERRORS_BY_REASON,
    CorruptDocument,
    ExtractionError,
    ExtractionMemoryExceeded,
    ExtractionTimeout,
    NotAPdf,
)
from .limits import ExtractLimits
from .messages import ChildReply, Failed, Finished, Opened, PagesDone, Plan
from .reply_pickle import read_reply
from .shared_counters import SharedCounters
from .sniff import check_pdf_bytes
from .split_plan import plan_split

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

_MIB = 1024 * 1024


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


def _failure(failed: Failed) -> ExtractionError:
    """The typed error a child reported."""
    if failed.reason == NotAPdf.reason:
        return NotAPdf(failed.message, detected_type=failed.detected_type or "unknown")
    return ERRORS_BY_REASON.get(failed.reason, CorruptDocument)(failed.message)


def _timeout(limits: ExtractLimits) -> ExtractionTimeout:
    return ExtractionTimeout(f"the extraction took longer than {limits.wall_seconds:.0f} s")


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

    def receive(self) -> ChildReply:
        """The reply waiting on the pipe; a child that ended without one is a crash."""
        try:
            # no reply is larger than the child's address space: one that claims to be is refused
            payload = self.conn.recv_bytes(self.limits.memory_mib * _MIB)
        except OSError as exc:
            raise CorruptDocument(f"the extraction returned an oversized result: {exc}") from exc
        except EOFError:
            raise _crash_error(self.ended(5) or 1, self.limits) from None
        try:
            return read_reply(payload)
        except Exception as exc:  # whatever the bytes, the parent only refuses them
            raise CorruptDocument(f"the extraction returned an unreadable result: {exc}") from exc

    def send(self, plan: Plan) -> None:
        with contextlib.suppress(OSError):  # a child that died is reported by `receive`
            self.conn.send(plan)

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
    """`extract` with the pages analysed in resource-limited child processes; same result,
    same typed errors.

    The cheap checks (empty input, magic bytes) run here first, so junk never costs a process.
    Blocking: call it from a worker thread in async code.
    """
    limits = limits or ExtractLimits()
    check_pdf_bytes(data)
    run = _Run(data, limits)
    try:
        facts, parts = run.collect()
        for child in run.children:
            child.finish()
    finally:
        for child in run.children:
            child.stop()
    try:
        document = assemble(document_id, filename, facts, _in_page_order(parts, facts), limits)
    except ExtractionError:
        raise
    except Exception as exc:  # the records came from children that read a hostile file
        raise CorruptDocument(f"the PDF could not be processed: {exc!r}"[:2000]) from exc
    if time.monotonic() > run.deadline:
        raise _timeout(limits)
    return document


class _Run:
    """The children of one document and what they have sent, under one wall clock."""

    def __init__(self, data: bytes, limits: ExtractLimits) -> None:
        self.data = data
        self.limits = limits
        self.settings = limits.model_dump()
        self.deadline = time.monotonic() + limits.wall_seconds
        self.counters = SharedCounters(
            next_page=_CONTEXT.Value("i", 0), ocr_left=_CONTEXT.Value("i", ocr_pages(limits))
        )
        self.page_count = 0  # known once the first child has opened the document
        self.children = [_Child(first_main, self.settings, data, self.counters, limits=limits)]

    def collect(self) -> tuple[DocumentFacts, list[PagesResult]]:
        """Read every child's replies as they come until all have finished: the file's facts
        and the runs of pages, in the order they came. A child's error ends the extraction."""
        working = list(self.children)
        parts: list[PagesResult] = []
        pages = 0
        facts: DocumentFacts | None = None
        repaired = False
        while working:
            ready = wait(
                [child.conn for child in working],
                timeout=max(0.0, self.deadline - time.monotonic()),
            )
            if not ready:
                raise _timeout(self.limits)
            for child in [c for c in working if c.conn in ready]:
                reply = child.receive()
                match reply:
                    case Opened():
                        working.extend(self._start_helpers(child, reply))
                    case PagesDone(part=part):
                        pages += len(part.pages)
                        if pages > self.page_count:
                            raise CorruptDocument(
                                "the extraction returned more pages than the PDF has"
                            )
                        parts.append(part)
                    case Finished():
                        working.remove(child)
                        repaired = repaired or reply.repaired
                        facts = reply.facts or facts
                    case Failed():
                        raise _failure(reply)
                    case _:
                        assert_never(reply)
        if facts is None:
            raise CorruptDocument("the extraction returned no facts of the document")
        return dataclasses.replace(facts, repaired=repaired), parts

    def _start_helpers(self, first: _Child, opened: Opened) -> list[_Child]:
        """Plan the split the first child's report calls for and start the other children."""
        if first is not self.children[0] or self.page_count:
            raise CorruptDocument("the extraction reported opening the document twice")
        self.page_count = opened.page_count
        split = plan_split(opened.page_count, opened.scanned, self.limits.page_workers)
        first.send(Plan(split.chunk))
        helpers = [
            _Child(
                helper_main,
                self.settings,
                self.data,
                self.counters,
                split.chunk,
                limits=self.limits,
            )
            for _ in range(split.children - 1)
        ]
        self.children.extend(helpers)
        return helpers


def _in_page_order(parts: list[PagesResult], facts: DocumentFacts) -> list[PagesResult]:
    """The runs sorted by their first page, once they are seen to hold every page once."""
    parts = sorted(parts, key=lambda part: part.pages[0].info.number if part.pages else 0)
    numbers = [page.info.number for part in parts for page in part.pages]
    if numbers != list(range(1, facts.page_count + 1)):
        raise CorruptDocument("the extraction returned pages missing or twice")
    return parts
