"""The benchmark workload: the born-digital dev reports plus 300-page documents built from them.

Scanned (style C) reports are measured apart (bench/scan.py): OCR dominates their time and
pdfplumber, the baseline of the others, cannot read them at all; theirs is Tesseract alone.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


def born_digital(corpus: Path = CORPUS) -> list[Path]:
    return sorted(p for p in corpus.glob("*.pdf") if not p.stem.endswith("-C"))


def scanned(corpus: Path = CORPUS) -> list[Path]:
    return sorted(corpus.glob("*-C.pdf"))


def concatenate(sources: list[Path], pages: int, target: Path) -> Path:
    """A document of exactly `pages` pages, the sources repeated in order.

    The bytes are the same on every run (no timestamps, no new file id), so the document id,
    and with it the partition the document lands on, is the same too: runs compare.
    """
    if not sources:
        raise ValueError("nothing to concatenate")
    out = pymupdf.open()
    while out.page_count < pages:
        for source in sources:
            with pymupdf.open(source) as doc:
                take = min(doc.page_count, pages - out.page_count)
                out.insert_pdf(doc, to_page=take - 1)
            if out.page_count >= pages:
                break
    out.set_metadata({})
    out.save(target, garbage=3, deflate=True, no_new_id=True)
    out.close()
    return target


def build(folder: Path, long_documents: int = 2, long_pages: int = 300) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sources = born_digital()
    files = [folder / p.name for p in sources]
    for source, copy in zip(sources, files, strict=True):
        copy.write_bytes(source.read_bytes())
    for i in range(long_documents):
        style = ("A", "B")[i % 2]
        style_sources = [p for p in sources if p.stem.endswith(f"-{style}")]
        files.append(concatenate(style_sources, long_pages, folder / f"long-{i}-{long_pages}p.pdf"))
    return files


def largest_first(files: list[Path]) -> list[Path]:
    """The order every measurement takes the workload in: long documents do not end up last."""
    return sorted(files, key=lambda p: -p.stat().st_size)


def page_count(path: Path) -> int:
    with pymupdf.open(path) as doc:
        return int(doc.page_count)
