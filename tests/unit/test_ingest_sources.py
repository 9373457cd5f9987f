"""The inbox wakes the scan on file-system events instead of waiting for the interval."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.ingest import sources
from services.ingest.sources import InboxSource


async def test_a_dropped_file_wakes_the_scan_long_before_the_interval(tmp_path: Path) -> None:
    source = InboxSource(tmp_path)
    ticks = source.ticks(interval=600.0)
    await asyncio.wait_for(anext(ticks), timeout=5)
    assert source.list() == []
    waiting = asyncio.ensure_future(anext(ticks))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    (tmp_path / ".report.pdf.part").write_bytes(b"%PDF-1.7")
    (tmp_path / ".report.pdf.part").rename(tmp_path / "report.pdf")
    await asyncio.wait_for(waiting, timeout=30)
    assert [u.name for u in source.list()] == ["report.pdf"]
    await ticks.aclose()


async def test_without_events_the_interval_still_ticks(tmp_path: Path) -> None:
    ticks = InboxSource(tmp_path).ticks(interval=0.2)
    for _ in range(3):
        await asyncio.wait_for(anext(ticks), timeout=30)
    await ticks.aclose()


def test_uploads_are_listed_in_the_order_they_were_dropped(tmp_path: Path) -> None:
    for index, name in enumerate(["c.pdf", "a.pdf", "b.pdf"]):
        path = tmp_path / name
        path.write_bytes(b"%PDF-1.7")
        os.utime(path, ns=(1_000_000_000 * index, 1_000_000_000 * index))
    (tmp_path / ".d.pdf.part").write_bytes(b"%PDF-1.7")
    assert [u.name for u in InboxSource(tmp_path).list()] == ["c.pdf", "a.pdf", "b.pdf"]


async def test_without_file_system_events_the_scan_still_ticks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*args: object, **kwargs: object) -> AsyncIterator[set[object]]:
        raise OSError("inotify watch limit reached")

    monkeypatch.setattr(sources, "awatch", unavailable)
    ticks = InboxSource(tmp_path).ticks(interval=0.1)
    for _ in range(3):
        await asyncio.wait_for(anext(ticks), timeout=30)
    await ticks.aclose()
