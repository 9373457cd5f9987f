"""Prometheus for the embedded stack: the Debian `prometheus` binary as one more stack process.

The committed deploy/prometheus/prometheus-embedded.yml describes the default ports; a stack
with other ports (tests, a second stack on one machine, extra extract instances) gets a copy
rendered with its real targets, so the alert rules and dashboards stay the same everywhere.
"""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from pcflow.stack import SERVICES, Stack

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "prometheus"
EMBEDDED_CONFIG = DEPLOY / "prometheus-embedded.yml"
ALERT_RULES = DEPLOY / "alerts.yml"
DEFAULT_PORT = 9090


def prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if found is None:
        raise FileNotFoundError("prometheus not found: apt-get install prometheus (make system)")
    return found


def render_config(stack: Stack, *, scrape_interval: str | None = None) -> dict[str, Any]:
    """The embedded config with this stack's metrics ports and an absolute path to the rules.

    Instances are grouped by service (`extract-1` is an extract instance), because the alert
    rules and dashboards select on job names.
    """
    config: dict[str, Any] = yaml.safe_load(EMBEDDED_CONFIG.read_text())
    targets: dict[str, list[str]] = {service: [] for service in SERVICES}
    for name, port in stack.settings.metrics_ports().items():
        targets[name.partition("-")[0]].append(f"127.0.0.1:{port}")
    for job in config["scrape_configs"]:
        if job["job_name"] in targets:
            job["static_configs"] = [{"targets": targets[job["job_name"]]}]
    config["rule_files"] = [str(ALERT_RULES)]
    if scrape_interval is not None:
        config["global"]["scrape_interval"] = scrape_interval
        config["global"]["evaluation_interval"] = scrape_interval
    return config


def wait_ready(port: int, timeout: float) -> None:
    url = f"http://127.0.0.1:{port}/-/ready"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Prometheus did not become ready on port {port} in {timeout:.0f} s")
        time.sleep(0.3)


def start_prometheus(
    stack: Stack,
    port: int = DEFAULT_PORT,
    *,
    scrape_interval: str | None = None,
    timeout: float = 60.0,
) -> int:
    """Start Prometheus scraping `stack` and return its port once it answers /-/ready.

    Data lives under the stack's var dir, so history survives `pcflow down` and `pcflow up`
    like the broker's and the database's. Listening on 127.0.0.1 only: the embedded stack is
    for one machine and Prometheus has no authentication.
    """
    home = stack.var / "prometheus"
    (home / "data").mkdir(parents=True, exist_ok=True)
    config = home / "prometheus.yml"
    config.write_text(
        yaml.safe_dump(render_config(stack, scrape_interval=scrape_interval), sort_keys=False)
    )
    stack.spawn(
        "prometheus",
        [
            prometheus_binary(),
            f"--config.file={config}",
            f"--storage.tsdb.path={home / 'data'}",
            "--storage.tsdb.retention.time=15d",
            f"--web.listen-address=127.0.0.1:{port}",
            "--web.enable-lifecycle",
        ],
    )
    wait_ready(port, timeout)
    return port
