"""Body of the sandbox child process: limits first, then one extraction.

Run as ``python -m services.extract.child``. Standard input holds one JSON header line
(document id, file name, limits) followed by the PDF bytes; standard output receives one JSON
object, either ``{"status": "ok", "document": ...}`` or ``{"status": "error", ...}``.
"""

from __future__ import annotations

import json
import os
import sys

from .errors import ExtractionError, NotAPdf
from .limits import ExtractLimits

_MIB = 1024 * 1024


def apply_limits(limits: ExtractLimits) -> None:
    """Cap CPU time and address space of this process; nothing can raise them again."""
    import resource

    cpu = limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    address_space = limits.memory_mib * _MIB
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _error(reason: str, message: str, detected_type: str = "") -> bytes:
    return json.dumps(
        {"status": "error", "reason": reason, "message": message, "detected_type": detected_type}
    ).encode()


def run(stdin: bytes) -> bytes:
    header, _, data = stdin.partition(b"\n")
    meta = json.loads(header)
    limits = ExtractLimits.model_validate(meta["limits"])
    try:
        apply_limits(limits)
        from .core import extract

        doc = extract(data, meta["document_id"], meta.get("filename", ""), limits)
        return b'{"status": "ok", "document": ' + doc.model_dump_json().encode() + b"}"
    except NotAPdf as exc:
        return _error(exc.reason, exc.message, exc.detected_type)
    except ExtractionError as exc:
        return _error(exc.reason, exc.message)
    except MemoryError:
        return _error("memory", "the extraction exceeded its memory limit")
    except Exception as exc:
        return _error("corrupt", f"the PDF could not be processed: {exc!r}"[:2000])


def main() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    out = run(sys.stdin.buffer.read())
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
