"""Bodies of the sandbox child processes: limits first, then extraction.

One child, the lead, extracts a document. When the document is long, the lead spreads its
pages over helper children: it tells the parent which page ranges to hand out, analyses the
first range itself, then receives the helpers' analyses through the parent and assembles the
document. Everything derived from the hostile file is decoded only here, under the limits; the
parent relays the helpers' bytes without reading them and only validates the lead's JSON.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from .errors import ExtractionError, NotAPdf
from .limits import ExtractLimits
from .ocr import OcrBudget

_MIB = 1024 * 1024

# Below this many pages per child, starting a child and shipping its analysis back costs more
# than the pages it takes off the lead (about 10 ms of analysis per born-digital page).
MIN_PAGES_PER_CHILD = 24

SPLIT = "split"
READY = b'{"status": "ready"}'


def apply_limits(limits: ExtractLimits) -> None:
    """Cap CPU time and address space of this process; nothing can raise them again."""
    import resource

    cpu = limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    address_space = limits.memory_mib * _MIB
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def page_ranges(count: int, workers: int, min_pages: int = MIN_PAGES_PER_CHILD) -> list[range]:
    """Consecutive, near-equal page ranges, one per child that is worth starting."""
    parts = max(1, min(workers, count // min_pages))
    size, extra = divmod(count, parts)
    ranges: list[range] = []
    start = 0
    for index in range(parts):
        stop = start + size + (1 if index < extra else 0)
        ranges.append(range(start, stop))
        start = stop
    return ranges


def error_message(reason: str, message: str, detected_type: str = "") -> bytes:
    return json.dumps(
        {"status": "error", "reason": reason, "message": message, "detected_type": detected_type}
    ).encode()


def _guarded(work: Callable[[], bytes]) -> bytes:
    """The work's result, or the way it failed as an error message."""
    try:
        return work()
    except NotAPdf as exc:
        return error_message(exc.reason, exc.message, exc.detected_type)
    except ExtractionError as exc:
        return error_message(exc.reason, exc.message)
    except MemoryError:
        return error_message("memory", "the extraction exceeded its memory limit")
    except Exception as exc:
        return error_message("corrupt", f"the PDF could not be processed: {exc!r}"[:2000])


def _start(request: dict[str, Any]) -> ExtractLimits:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    limits = ExtractLimits.model_validate(request["limits"])
    apply_limits(limits)
    return limits


def lead_main(
    conn: Connection, request: dict[str, Any], data: bytes, ocr_left: Synchronized[int]
) -> None:
    conn.send_bytes(_guarded(lambda: _lead(conn, request, data, ocr_left)))
    conn.close()


def _lead(
    conn: Connection, request: dict[str, Any], data: bytes, ocr_left: Synchronized[int]
) -> bytes:
    limits = _start(request)
    from .core import analyse_pages, assemble, looks_scanned, open_document

    doc = open_document(data, limits)
    try:
        min_pages = 1 if looks_scanned(doc, limits) else MIN_PAGES_PER_CHILD
        ranges = page_ranges(doc.page_count, limits.page_workers, min_pages)
        if len(ranges) > 1:
            split = {"status": SPLIT, "ranges": [[r.start, r.stop] for r in ranges[1:]]}
            conn.send_bytes(json.dumps(split).encode())
        parts = [analyse_pages(doc, ranges[0], limits, OcrBudget(0, ocr_left))]
        if len(ranges) > 1:
            conn.send_bytes(READY)
            parts.extend(pickle.loads(conn.recv_bytes()) for _ in ranges[1:])
        document = assemble(doc, request["document_id"], request["filename"], parts, limits)
    finally:
        doc.close()
    return b'{"status": "ok", "document": ' + document.model_dump_json().encode() + b"}"


def helper_main(
    conn: Connection,
    request: dict[str, Any],
    data: bytes,
    ocr_left: Synchronized[int],
    pages: tuple[int, int],
) -> None:
    conn.send_bytes(_guarded(lambda: _helper(request, data, ocr_left, pages)))
    conn.close()


def _helper(
    request: dict[str, Any], data: bytes, ocr_left: Synchronized[int], pages: tuple[int, int]
) -> bytes:
    limits = _start(request)
    from .core import analyse_pages, open_document

    doc = open_document(data, limits)
    try:
        part = analyse_pages(doc, range(*pages), limits, OcrBudget(0, ocr_left))
    finally:
        doc.close()
    return pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
