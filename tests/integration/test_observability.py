"""Dashboards and alert rules against a real Prometheus scraping the real embedded stack.

A panel whose query names a metric that no service exports, or a label that no series has,
shows "No data" in Grafana and nobody notices until the day it is needed. Here every panel's
PromQL must return series after a few documents went through, and every alert rule must
evaluate cleanly and stay silent on a healthy pipeline.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deploy.grafana.queries import expand_macros, promql_expressions
from pcflow.prometheus import start_prometheus
from pcflow.stack import INFRA_STOP_SECONDS, Stack, free_port
from tests.e2e.test_pipeline import drop, wait_final

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        shutil.which("prometheus") is None,
        reason="the prometheus binary is not installed (apt-get install prometheus)",
    ),
]

REPORTS = ("lansingerland-jaarverslag-2017-A.pdf", "pijnacker-nootdorp-najaarsnota-2022-A.pdf")
SCRAPE_INTERVAL = 2.0
ALERT_RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alerts.yml"


def api(port: int, path: str, **params: str) -> Any:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/{path}{query}", timeout=10) as r:
        body = json.load(r)
    assert body["status"] == "success", body
    return body["data"]


def instant(port: int, expr: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = api(port, "query", query=expr)["result"]
    return result


def wait_until(what: str, timeout: float, check: Any) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout:.0f} s")
        time.sleep(SCRAPE_INTERVAL / 2)


def fresh_copy(source: Path, directory: Path) -> Path:
    """The same report with a unique trailing comment: a new document, not a duplicate.

    Earlier tests in the session may have stored the corpus file itself, and ingest would then
    only count a duplicate; bytes after %%EOF leave the PDF itself unchanged.
    """
    copy = directory / f"{source.stem}-{uuid.uuid4().hex[:8]}{source.suffix}"
    copy.write_bytes(source.read_bytes() + f"\n% {uuid.uuid4()}\n".encode())
    return copy


@pytest.fixture(scope="module")
def prometheus(running_stack: Stack) -> Iterator[int]:
    port = start_prometheus(running_stack, free_port(), scrape_interval=f"{SCRAPE_INTERVAL:g}s")
    try:
        yield port
    finally:
        running_stack.stop(["prometheus"], INFRA_STOP_SECONDS)


@pytest.mark.timeout(300)
def test_every_panel_has_data_and_no_alert_fires(
    running_stack: Stack, prometheus: int, corpus: Path, tmp_path: Path
) -> None:
    stack, port = running_stack, prometheus
    instances = len(stack.settings.metrics_ports())
    wait_until(
        "every service scraped",
        30,
        lambda: sum(float(s["value"][1]) for s in instant(port, "up")) == instances,
    )

    sources = [fresh_copy(corpus / "dev" / name, tmp_path) for name in REPORTS]
    sources.append(fresh_copy(corpus / "bad" / "not-a-pdf.pdf", tmp_path))
    ids = [drop(stack, source) for source in sources]
    records = asyncio.run(wait_final(stack, ids, timeout=150))
    assert [records[i]["status"] for i in ids] == ["stored", "stored", "failed"]

    wait_until(
        "the stored documents seen by Prometheus",
        30,
        lambda: any(
            float(s["value"][1]) >= len(REPORTS)
            for s in instant(port, 'pcflow_documents_total{status="stored"}')
        ),
    )
    time.sleep(3 * SCRAPE_INTERVAL)

    empty = [
        f"{panel}: {expr}"
        for panel, exprs in promql_expressions().items()
        for expr in exprs
        if not instant(port, expand_macros(expr, rate_interval="5m", time_range="5m"))
    ]
    assert not empty, "panels without data:\n" + "\n".join(empty)

    metrics = set(re.findall(r"\b(?:pcflow|faststream)_[a-z_]+", ALERT_RULES.read_text()))
    missing = sorted(m for m in metrics if not instant(port, f'count({{__name__="{m}"}})'))
    assert not missing, f"alert rules read metrics no service exports: {missing}"

    rules = [rule for group in api(port, "rules")["groups"] for rule in group["rules"]]
    defined = re.findall(r"^\s+- alert: (\w+)$", ALERT_RULES.read_text(), re.MULTILINE)
    assert sorted(rule["name"] for rule in rules) == sorted(defined)
    unhealthy = {rule["name"]: rule.get("lastError") for rule in rules if rule["health"] != "ok"}
    assert not unhealthy, unhealthy

    firing = [
        alert["labels"]["alertname"]
        for alert in api(port, "alerts")["alerts"]
        if alert["state"] == "firing"
    ]
    assert not firing, f"alerts firing on a healthy stack: {firing}"
