"""Imported last by the extraction forkserver (see sandbox.py), never by the service itself.

A child forked from a cold server pays for the extractor's first use on every document: the
parser's lazy set-up, compiled patterns and the caches of names and fonts. One small extraction
here, before any child forks, lets every child start warm; measured on the born-digital dev
reports, the sandbox's cost over an in-process extraction fell from about 120 ms to 45 ms a
document. Then the server's heap is frozen (see shared/heap.py), and every child inherits that.
"""

import pymupdf

from services.extract.core import extract
from shared.heap import freeze_startup_heap


def _sample() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Programma 1 Bestuur", fontsize=16)
    page.insert_text((72, 110), "Wat willen we bereiken? De gemeente werkt aan een sterke wijk.")
    for row, (label, amount) in enumerate([("Lasten", "1.234"), ("Baten", "-567")]):
        page.insert_text((72, 150 + 16 * row), label)
        page.insert_text((300, 150 + 16 * row), amount)
    data = doc.tobytes()
    doc.close()
    return bytes(data)


extract(_sample(), "0" * 64, "warm.pdf")
freeze_startup_heap()
