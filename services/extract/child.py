"""Bodies of the sandbox child processes: limits first, then extraction.

One child, the lead, extracts a document. When the document is long, the lead asks the parent
for helper children, and the lead and its helpers take the pages a few at a time from one
counter in shared memory, so a child slowed by other work on the machine simply takes fewer.
A helper sends each run of pages as soon as it is analysed, and the lead reads what has
arrived between its own runs: the handing over overlaps the analysis instead of following it,
and only the document's assembly is left when the last page is read. Everything derived from
the hostile file is decoded only here, under the limits; the parent relays the helpers' bytes
without reading them and only validates the lead's JSON.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from typing import TYPE_CHECKING, Any

from .errors import ExtractionError, NotAPdf
from .limits import ExtractLimits
from .ocr import OcrBudget

if TYPE_CHECKING:
    import pymupdf

    from .core import PagesResult

_MIB = 1024 * 1024

# Below this many pages per child, starting a child and shipping its analysis back costs more
# than the pages it takes off the lead (about 10 ms of analysis per born-digital page).
MIN_PAGES_PER_CHILD = 24

# Pages taken from the counter at a time: small enough that the children finish within a few
# pages of each other, large enough that the counter's lock is never in the way.
CHUNK_PAGES = 4

SPLIT = "split"
# Sent by a helper after its last run of pages, and by the parent to the lead once every
# helper has sent it: the lead then has all pages.
DONE = b'{"status": "done"}'


def apply_limits(limits: ExtractLimits) -> None:
    """Cap CPU time and address space of this process; nothing can raise them again."""
    import resource

    cpu = limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    address_space = limits.memory_mib * _MIB
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def children_for(count: int, workers: int, min_pages: int = MIN_PAGES_PER_CHILD) -> int:
    """How many children, the lead included, a document of `count` pages is worth."""
    return max(1, min(workers, count // min_pages))


@dataclass(frozen=True)
class Shared:
    """What the children of one document share: the pages still to take and the OCR budget."""

    next_page: Synchronized[int]
    ocr_left: Synchronized[int]


def take_pages(
    doc: pymupdf.Document,
    limits: ExtractLimits,
    shared: Shared,
    chunk: int,
    analysed: Callable[[PagesResult], None],
) -> None:
    """Analyse chunks of pages taken from the shared counter until none are left, handing
    each to `analysed` as soon as it is done."""
    from .core import analyse_pages

    count = doc.page_count
    budget = OcrBudget(shared.ocr_left)
    while True:
        with shared.next_page.get_lock():
            start = shared.next_page.value
            shared.next_page.value = min(count, start + chunk)
        if start >= count:
            return
        analysed(analyse_pages(doc, range(start, min(count, start + chunk)), limits, budget))


def _received(conn: Connection, parts: list[PagesResult], *, wait: bool) -> bool:
    """Add the helpers' runs of pages relayed so far to `parts`; True once all have come.
    Without `wait` only what has already arrived is read."""
    while wait or conn.poll(0):
        message = conn.recv_bytes()
        if message == DONE:
            return True
        parts.extend(pickle.loads(message))
    return False


def error_message(reason: str, message: str, detected_type: str = "") -> bytes:
    return json.dumps(
        {"status": "error", "reason": reason, "message": message, "detected_type": detected_type}
    ).encode()


def _guarded(work: Callable[[], bytes]) -> bytes:
    """The work's result, or the way it failed as an error message."""
    try:
        return work()
    except NotAPdf as exc:
        return error_message(exc.reason, str(exc), exc.detected_type)
    except ExtractionError as exc:
        return error_message(exc.reason, str(exc))
    except MemoryError:
        return error_message("memory", "the extraction exceeded its memory limit")
    except Exception as exc:
        return error_message("corrupt", f"the PDF could not be processed: {exc!r}"[:2000])


def _start(request: dict[str, Any]) -> ExtractLimits:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    limits = ExtractLimits.model_validate(request["limits"])
    apply_limits(limits)
    return limits


def lead_main(conn: Connection, request: dict[str, Any], data: bytes, shared: Shared) -> None:
    conn.send_bytes(_guarded(lambda: _lead(conn, request, data, shared)))
    conn.close()


def _lead(conn: Connection, request: dict[str, Any], data: bytes, shared: Shared) -> bytes:
    limits = _start(request)
    from .core import assemble, looks_scanned, open_document

    doc = open_document(data, limits)
    try:
        # reading sample pages to tell a scan only pays when there are children to share it
        scanned = limits.page_workers > 1 and looks_scanned(doc, limits)
        min_pages = 1 if scanned else MIN_PAGES_PER_CHILD
        helpers = children_for(doc.page_count, limits.page_workers, min_pages) - 1
        chunk = doc.page_count if helpers == 0 else 1 if scanned else CHUNK_PAGES
        parts: list[PagesResult] = []
        if helpers:
            split = {"status": SPLIT, "helpers": helpers, "chunk": chunk}
            conn.send_bytes(json.dumps(split).encode())

        complete = helpers == 0

        def analysed(part: PagesResult) -> None:
            nonlocal complete
            parts.append(part)
            if not complete:
                complete = _received(conn, parts, wait=False)

        take_pages(doc, limits, shared, chunk, analysed)
        if not complete:
            _received(conn, parts, wait=True)
            parts.sort(key=lambda part: part.pages[0].info.number)
        document = assemble(doc, request["document_id"], request["filename"], parts, limits)
    finally:
        doc.close()
    return b'{"status": "ok", "document": ' + document.model_dump_json().encode() + b"}"


def helper_main(
    conn: Connection, request: dict[str, Any], data: bytes, shared: Shared, chunk: int
) -> None:
    conn.send_bytes(_guarded(lambda: _helper(conn, request, data, shared, chunk)))
    conn.close()


def _helper(
    conn: Connection, request: dict[str, Any], data: bytes, shared: Shared, chunk: int
) -> bytes:
    limits = _start(request)
    from .core import open_document

    def analysed(part: PagesResult) -> None:
        conn.send_bytes(pickle.dumps([part], protocol=pickle.HIGHEST_PROTOCOL))

    doc = open_document(data, limits)
    try:
        take_pages(doc, limits, shared, chunk, analysed)
    finally:
        doc.close()
    return DONE
