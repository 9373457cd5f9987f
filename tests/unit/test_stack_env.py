"""How the embedded stack configures and stops the processes it starts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pcflow.stack import Stack, StackSettings
from shared.broker import Transport
from shared.settings import CommonSettings


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


def test_down_waits_out_the_graceful_timeout_the_services_get(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The services read the variable from the environment `pcflow up` passes on; so does down."""
    monkeypatch.setenv("PCFLOW_GRACEFUL_TIMEOUT_SECONDS", "90")
    service = Transport(CommonSettings(object_store_url=tmp_path.as_uri()), "extract")
    assert service.broker.config.graceful_timeout == 90
    assert Stack(StackSettings(var_dir=tmp_path)).service_stop_seconds() > 90
