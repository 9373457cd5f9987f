"""Bodies of the sandbox child processes: limits first, then the analysis of pages.

A child only analyses pages. The first child of a document opens it and reports its page
count and whether it is a scan (`Opened`), so the parent never parses the file; the parent
answers with a `Plan` and starts the other children. Every child then takes runs of pages from
a counter in shared memory, so one slowed by other work on the machine simply takes fewer, and
sends each run as soon as it is analysed (`PagesDone`): the parent reads them while the pages
after them are analysed. A child ends with `Finished`, or `Failed` for the way it failed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import pymupdf

from .core import analyse_pages, document_facts, looks_scanned, open_document, parser_repaired
from .errors import ExtractionError, NotAPdf
from .limits import ExtractLimits
from .messages import ChildReply, Failed, Finished, Opened, PagesDone, Plan
from .ocr import ocr_page
from .page_ocr import PageOcr
from .reply_pickle import write_reply
from .shared_counters import SharedCounters, SharedOcrBudget

_MIB = 1024 * 1024


def apply_limits(limits: ExtractLimits) -> None:
    """Cap CPU time and address space of this process; nothing can raise them again."""
    import resource

    cpu = limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    address_space = limits.memory_mib * _MIB
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _guarded(conn: Connection, work: Callable[[], Finished]) -> None:
    """Send the work's last reply, or the way it failed, and end."""
    reply: ChildReply
    try:
        reply = work()
    except NotAPdf as exc:
        reply = Failed(exc.reason, str(exc), exc.detected_type)
    except ExtractionError as exc:
        reply = Failed(exc.reason, str(exc))
    except MemoryError:
        reply = Failed("memory", "the extraction exceeded its memory limit")
    except Exception as exc:
        reply = Failed("corrupt", f"the PDF could not be processed: {exc!r}"[:2000])
    conn.send_bytes(write_reply(reply))
    conn.close()


def _start(settings: dict[str, Any]) -> ExtractLimits:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    limits = ExtractLimits.model_validate(settings)
    apply_limits(limits)
    return limits


def first_main(
    conn: Connection, settings: dict[str, Any], data: bytes, counters: SharedCounters
) -> None:
    """The first child: open, report, wait for the plan, then take pages like the others."""
    _guarded(conn, lambda: _first(conn, settings, data, counters))


def _first(
    conn: Connection, settings: dict[str, Any], data: bytes, counters: SharedCounters
) -> Finished:
    limits = _start(settings)
    doc = open_document(data, limits)
    try:
        # reading sample pages to tell a scan only pays when there are children to share it
        scanned = limits.page_workers > 1 and looks_scanned(doc, limits)
        conn.send_bytes(write_reply(Opened(doc.page_count, scanned)))
        plan = conn.recv()
        if not isinstance(plan, Plan):
            raise TypeError(f"expected a plan, got {type(plan).__name__}")
        _take_pages(conn, doc, limits, counters, plan.chunk)
        facts = document_facts(doc)
    finally:
        doc.close()
    return Finished(facts.repaired, facts)


def helper_main(
    conn: Connection, settings: dict[str, Any], data: bytes, counters: SharedCounters, chunk: int
) -> None:
    """Another child of a long or scanned document: it only takes pages."""
    _guarded(conn, lambda: _helper(conn, settings, data, counters, chunk))


def _helper(
    conn: Connection, settings: dict[str, Any], data: bytes, counters: SharedCounters, chunk: int
) -> Finished:
    limits = _start(settings)
    doc = open_document(data, limits)
    try:
        _take_pages(conn, doc, limits, counters, chunk)
        return Finished(parser_repaired(doc), None)
    finally:
        doc.close()


def _take_pages(
    conn: Connection,
    doc: pymupdf.Document,
    limits: ExtractLimits,
    counters: SharedCounters,
    chunk: int,
) -> None:
    """Analyse runs of pages taken from the shared counter until none are left, sending each
    as soon as it is done."""
    ocr = PageOcr(ocr_page, SharedOcrBudget(counters.ocr_left))
    while numbers := counters.take_pages(chunk, doc.page_count):
        part = analyse_pages(doc, numbers, limits, ocr)
        conn.send_bytes(write_reply(PagesDone(part)))
