"""The PromQL behind the generated dashboards, read back from their JSON.

Kept apart from the generator so that tests and tools can check the queries Grafana will run
without needing the dashboard SDK installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DASHBOARDS = Path(__file__).resolve().parent / "dashboards"


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, including those nested in collapsed rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def promql_expressions(directory: Path = DASHBOARDS) -> dict[str, list[str]]:
    """Every panel's PromQL, keyed "dashboard/panel title", as Grafana will send it.

    Read from the generated JSON rather than from the generator, so a check exercises exactly
    what Grafana provisions.
    """
    found: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.json")):
        dashboard = json.loads(path.read_text())
        for panel in panels(dashboard):
            exprs = [t["expr"] for t in panel.get("targets", []) if t.get("expr")]
            if exprs:
                found[f"{path.stem}/{panel['title']}"] = exprs
    return found


def expand_macros(expr: str, *, rate_interval: str = "1m", time_range: str = "1h") -> str:
    """Replace Grafana's macros so an expression can be sent to Prometheus directly."""
    return expr.replace("$__rate_interval", rate_interval).replace("$__range", time_range)
