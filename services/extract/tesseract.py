"""The `tesseract` program: the OCR engine of scanned pages and of table cells read again.

PyMuPDF's built-in OCR links a build of Tesseract of its own that took about twice the CPU
time of the system's `tesseract` on the same page image, and it takes no settings (a character
whitelist, a page segmentation mode). The program is called directly instead, from the
sandboxed extraction process, with a timeout and one thread: a document's pages are already
spread over processes, and OpenMP threads would only spin against each other.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pymupdf

# A page at 300 dpi takes one to three seconds; a hung engine must not hold the sandbox.
TIMEOUT_S = 60.0

Gray = npt.NDArray[np.uint8]


def png(gray: Gray, dpi: int) -> bytes:
    """The image as a PNG that tells its resolution, which Tesseract sizes its models by."""
    height, width = gray.shape
    pix = pymupdf.Pixmap(pymupdf.csGRAY, width, height, np.ascontiguousarray(gray).tobytes(), 0)
    pix.set_dpi(dpi, dpi)
    data: bytes = pix.tobytes("png")
    return data


def recognise(gray: Gray, dpi: int, language: str, output: str, options: Sequence[str] = ()) -> str:
    """Tesseract's `output` ("hocr", "tsv") for the image, or "" when the program fails or is
    missing: a page it cannot read yields no text rather than a failed document."""
    command = ["tesseract", "stdin", "stdout", "-l", language, "--dpi", str(dpi), *options, output]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command,
            input=png(gray, dpi),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=True,
            env=env,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode("utf-8", "replace")
