"""Hostile and broken inputs end as corpus/bad/README.md says, in a sandboxed child."""

from __future__ import annotations

import inspect
import multiprocessing.forkserver
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pymupdf
import pytest

from services.extract.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    ExtractionError,
    ExtractionMemoryExceeded,
    ExtractionTimeout,
    NotAPdf,
    TooManyPages,
)
from services.extract.limits import ExtractLimits
from services.extract.sandbox import _Child, extract_in_sandbox
from shared.settings import ExtractSettings

BAD = Path(__file__).parents[2] / ".." / "shared" / "corpus" / "bad"

EXPECTED: dict[str, type[ExtractionError] | None] = {
    "empty.pdf": EmptyDocument,
    "not-a-pdf.pdf": NotAPdf,
    "png-renamed.pdf": NotAPdf,
    "encrypted.pdf": EncryptedDocument,
    "blank-5000-pages.pdf": TooManyPages,
    "truncated.pdf": CorruptDocument,
    "long-text-run.pdf": None,
    "javascript.pdf": None,
    "broken-xref.pdf": None,
    "blank-page.pdf": None,
}


@pytest.mark.skipif(not BAD.is_dir(), reason="corpus not present")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_ends_typed_or_valid_within_30s(name: str) -> None:
    data = (BAD / name).read_bytes()
    start = time.monotonic()
    expected = EXPECTED[name]
    if expected is not None:
        with pytest.raises(expected):
            extract_in_sandbox(data, name, name)
    else:
        doc = extract_in_sandbox(data, name, name)
        assert doc.page_count >= 1
        if name == "javascript.pdf":
            assert doc.active_content and doc.blocks
        if name == "broken-xref.pdf":
            assert doc.repaired and doc.warnings
        if name == "blank-page.pdf":
            assert not doc.blocks and not doc.tables and doc.warnings
        if name == "long-text-run.pdf":
            assert len(doc.blocks) == 1 and len(doc.blocks[0].text) > 1_000_000
    assert time.monotonic() - start < 30


def test_png_is_named() -> None:
    with pytest.raises(NotAPdf) as info:
        extract_in_sandbox(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "png")
    assert "PNG" in str(info.value)


def _simple_pdf() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Een korte tekst.")
    data: bytes = doc.tobytes()
    return data


def test_result_round_trips_through_the_child() -> None:
    doc = extract_in_sandbox(_simple_pdf(), "ok", "ok.pdf")
    assert [b.text for b in doc.blocks] == ["Een korte tekst."]
    assert doc.filename == "ok.pdf"


def test_wall_clock_limit_kills_the_child() -> None:
    with pytest.raises(ExtractionTimeout):
        extract_in_sandbox(_simple_pdf(), "slow", limits=ExtractLimits(wall_seconds=0.01))


def _scanned_pdf(pages: int = 1) -> bytes:
    """Image-only pages: OCR renders each at 300 dpi, costing memory and about a CPU second."""
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page()
        pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 1200, 1600), False)
        pixmap.clear_with(200)
        page.insert_image(page.rect, pixmap=pixmap)
    data: bytes = doc.tobytes()
    return data


def _scanned_text(pages: int) -> bytes:
    """Image-only pages full of text lines, as a scanner delivers a page of a report."""
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page()
        for line in range(40):
            page.insert_text(
                (60, 60 + 18 * line), "De gemeente ondersteunt inwoners bij werk. " * 2
            )
        pixmap = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
        page.clean_contents()
        page.add_redact_annot(page.rect)
        page.apply_redactions()
        page.insert_image(page.rect, pixmap=pixmap)
    data: bytes = doc.tobytes()
    return data


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract missing")
def test_memory_limit_is_its_own_typed_error() -> None:
    """Under the same limit a text page is extracted and a page to OCR is refused as memory."""
    limits = ExtractLimits(memory_mib=200)
    assert extract_in_sandbox(_simple_pdf(), "text", limits=limits).blocks
    with pytest.raises(ExtractionMemoryExceeded, match="exceeded the memory limit"):
        extract_in_sandbox(_scanned_pdf(), "mem", limits=limits)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract missing")
def test_cpu_limit_stops_a_busy_child_long_before_its_wall_clock() -> None:
    """OCR of two pages of text takes several CPU seconds, most of them in the OCR engine, a
    program of its own: the child is stopped after one all the same."""
    start = time.monotonic()
    with pytest.raises(ExtractionTimeout, match="more than 1 s of CPU"):
        extract_in_sandbox(
            _scanned_text(pages=2), "busy", limits=ExtractLimits(cpu_seconds=1, wall_seconds=60)
        )
    assert time.monotonic() - start < 30


def test_the_service_settings_name_the_limits_an_operator_sets() -> None:
    """The service takes each limit from the setting of the same name: a setting renamed on one
    side only would leave its limit at the default without a word."""
    assert set(ExtractSettings.model_fields) & set(ExtractLimits.model_fields) == {
        "max_pages",
        "cpu_seconds",
        "memory_mib",
        "wall_seconds",
        "ocr",
        "ocr_language",
        "page_workers",
    }
    settings = ExtractSettings(memory_mib=512, ocr=False, page_workers=3)
    limits = ExtractLimits.model_validate(settings, from_attributes=True)
    assert (limits.memory_mib, limits.ocr, limits.page_workers) == (512, False, 3)


def called_from(name: str) -> bool:
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_name == name:
            return True
        frame = frame.f_back
    return False


def test_a_child_polled_by_another_thread_keeps_its_exit_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Documents are extracted on several threads, and a thread that starts a child polls
    every child (multiprocessing's `_cleanup`): it must not take the exit code of a child
    another thread is waiting for, which would leave that one with "exit code 255" and a good
    document dead-lettered as corrupt. Here every read of an exit code but `_cleanup`'s is
    slowed down, so that another thread's start comes first whenever it may."""
    read_signed = multiprocessing.forkserver.read_signed

    def owner_reads_late(fd: int) -> int:
        if not called_from("_cleanup"):
            time.sleep(0.02)
        return read_signed(fd)

    monkeypatch.setattr(multiprocessing.forkserver, "read_signed", owner_reads_late)
    limits = ExtractLimits()

    def spawn_and_finish(_: int) -> None:
        child = _Child(id, limits=limits)  # a child that ends at once, with exit code 0
        try:
            child.finish()
        finally:
            child.stop()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(spawn_and_finish, range(40)))
