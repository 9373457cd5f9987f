"""The `tesseract` program: the OCR engine of scanned pages and of table cells read again.

PyMuPDF's built-in OCR links a build of Tesseract of its own that took about twice the CPU
time of the system's `tesseract` on the same page image, and it takes no settings (a character
whitelist, a page segmentation mode). The program is called directly instead, from the
sandboxed extraction process, with a timeout and one thread: a document's pages are already
spread over processes, and OpenMP threads would only spin against each other.

The sandbox's CPU limit (RLIMIT_CPU) counts one process only, and the engine is a process of
its own: each run is given the CPU time the extraction has left, and when the extraction and
its engine runs together have used it up, the process ends as if the limit had struck it.
"""

from __future__ import annotations

import math
import os
import resource
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

# A page at 300 dpi takes one to three seconds; a hung engine must not hold the sandbox.
TIMEOUT_S = 60.0

Gray = npt.NDArray[np.uint8]


def pgm(gray: Gray) -> bytes:
    """The image as an uncompressed PGM: compressing a page image takes a tenth of a second,
    and the pipe does not care about its size. The resolution is passed apart."""
    height, width = gray.shape
    header = f"P5\n{width} {height}\n255\n".encode("ascii")
    return header + np.ascontiguousarray(gray).tobytes()


def recognise(gray: Gray, dpi: int, language: str, output: str, options: Sequence[str] = ()) -> str:
    """Tesseract's `output` ("hocr", "tsv") for the image, or "" when the program fails or is
    missing: a page it cannot read yields no text rather than a failed document."""
    command = ["tesseract", "stdin", "stdout", "-l", language, "--dpi", str(dpi), *options, output]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    # from a file rather than a pipe, which Python feeds 512 bytes per system call
    with tempfile.TemporaryFile() as image:
        image.write(pgm(gray))
        image.seek(0)
        try:
            done = subprocess.run(
                command,
                stdin=image,
                capture_output=True,
                timeout=TIMEOUT_S,
                check=True,
                env=env,
                preexec_fn=_cpu_limit(),
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        finally:
            _stop_when_cpu_spent()
    return done.stdout.decode("utf-8", "replace")


def _cpu_left() -> float | None:
    """CPU seconds this process and the programs it ran may still use; None without a limit."""
    limit, _ = resource.getrlimit(resource.RLIMIT_CPU)
    if limit == resource.RLIM_INFINITY:
        return None
    engines = resource.getrusage(resource.RUSAGE_CHILDREN)
    return limit - time.process_time() - engines.ru_utime - engines.ru_stime


def _cpu_limit() -> Callable[[], None] | None:
    """What sets the engine's own CPU limit to the time left, run in the engine's process."""
    left = _cpu_left()
    if left is None:
        return None
    seconds = max(math.ceil(left), 1)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    return limit


def _stop_when_cpu_spent() -> None:
    left = _cpu_left()
    if left is not None and left <= 0:
        os.kill(os.getpid(), signal.SIGXCPU)
