"""Run `extract` in a child process with CPU-time, memory and wall-clock limits.

MuPDF and Tesseract are C code: a hostile file can make them loop, allocate without bound or
crash. In a child process with RLIMIT_CPU and RLIMIT_AS set (see child.py), any of that ends
the child only, and the parent turns the way it ended into a typed, permanent
`ExtractionError`. Children are forked from a forkserver, a clean process started once, so
they inherit neither the service's threads nor its event loop.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection

from shared.documents import ExtractedDocument

from .child import run
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
# every child re-imports it.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(
    ["services.extract.child", "services.extract.core", "services.extract.app"]
)


def _child_main(conn: Connection, payload: bytes) -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    conn.send_bytes(run(payload))
    conn.close()


def _crash_error(returncode: int, stderr: bytes, limits: ExtractLimits) -> ExtractionError:
    tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    if returncode < 0:
        sig = -returncode
        if sig == signal.SIGXCPU:
            return ExtractionTimeout(f"the extraction used more than {limits.cpu_seconds} s of CPU")
        if sig == signal.SIGKILL:
            return ExtractionMemoryExceeded("the extraction process was killed (out of memory)")
        return CorruptDocument(f"the PDF parser crashed (signal {sig})")
    if "MemoryError" in tail[0] or "std::bad_alloc" in tail[0]:
        return ExtractionMemoryExceeded("the extraction exceeded its memory limit")
    return CorruptDocument(f"the PDF parser ended without a result: {tail[0][:500]}")


def _result(out: bytes) -> ExtractedDocument:
    head = out[:200]
    if b'"status": "ok"' in head:
        start = out.index(b'"document": ') + len(b'"document": ')
        return ExtractedDocument.model_validate_json(out[start:-1])
    msg = json.loads(out)
    reason, text = str(msg.get("reason", "corrupt")), str(msg.get("message", ""))
    if reason == "not_pdf":
        raise NotAPdf(text, detected_type=str(msg.get("detected_type") or "unknown"))
    raise ERRORS_BY_REASON.get(reason, CorruptDocument)(text)


def extract_in_sandbox(
    data: bytes, document_id: str, filename: str = "", limits: ExtractLimits | None = None
) -> ExtractedDocument:
    """`extract` in a resource-limited child process; same result, same typed errors.

    The cheap checks (empty input, magic bytes) run here first, so junk never costs a process.
    Blocking: call it from a worker thread in async code.
    """
    limits = limits or ExtractLimits()
    check_pdf_bytes(data)
    header = json.dumps(
        {"document_id": document_id, "filename": filename, "limits": limits.model_dump()}
    ).encode()
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    proc = _CONTEXT.Process(target=_child_main, args=(sender, header + b"\n" + data), daemon=True)
    proc.start()
    sender.close()
    out = b""
    try:
        if not receiver.poll(limits.wall_seconds):
            raise ExtractionTimeout(f"the extraction took longer than {limits.wall_seconds:.0f} s")
        with contextlib.suppress(EOFError):
            out = receiver.recv_bytes()
    finally:
        receiver.close()
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if proc.exitcode != 0 or not out:
        raise _crash_error(proc.exitcode or 1, b"", limits)
    try:
        return _result(out)
    except (ValueError, KeyError) as exc:
        raise CorruptDocument(f"the extraction returned an unreadable result: {exc}") from exc
