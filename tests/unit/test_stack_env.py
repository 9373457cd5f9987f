"""The embedded stack's extract instances together start no more sandbox children than cores."""

from __future__ import annotations

import os

import pytest

from pcflow.stack import StackSettings


def test_extract_instances_share_the_cores_between_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PCFLOW_PAGE_WORKERS", raising=False)
    cores = len(os.sched_getaffinity(0))
    alone = StackSettings(extract_instances=1).service_env("extract")
    second = StackSettings(extract_instances=2).service_env("extract", 1)
    assert alone["PCFLOW_PAGE_WORKERS"] == str(cores)
    assert second["PCFLOW_PAGE_WORKERS"] == str(max(1, cores // 2))
    assert "PCFLOW_PAGE_WORKERS" not in StackSettings().service_env("classify")


def test_an_explicit_page_workers_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCFLOW_PAGE_WORKERS", "3")
    assert "PCFLOW_PAGE_WORKERS" not in StackSettings(extract_instances=2).service_env("extract")
