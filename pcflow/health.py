"""The health of the embedded stack as the CLI shows it: processes and consumer lag per stage.

The supervisor records what it knows about each process (pid, since when, restarts, how the
last one ended) in a file under `var/run/`; the CLI reads that file instead of asking the
supervisor, so it works the same when the supervisor is gone. Consumer lag comes from each
service's own metrics endpoint, the gauge `shared.lag` sets.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from pcflow.stack import SERVICES, Stack
from shared import topics

RUNNING = "running"
RESTARTING = "restarting"
HELD = "held"
DOWN = "down"
# down with no supervisor running: nothing will start it again
UNSUPERVISED = "down, not supervised"

# The stage that moves a document on from each status; "submitted" is a file not yet ingested.
NEXT_STAGE = {
    "submitted": "ingest",
    "uploaded": "extract",
    "extracted": "classify",
    "classified": "store",
}

# The topic whose lag says how far a stage is behind; ingest reads a folder, not a topic.
STAGE_INPUT = {
    "extract": topics.UPLOADED,
    "classify": topics.EXTRACTED,
    "store": topics.CLASSIFIED,
}


@dataclass
class ProcessHealth:
    """One supervised process as the supervisor last saw it."""

    state: str
    pid: int | None = None
    since: str | None = None
    restarts: int = 0
    last_exit: str | None = None
    restart_at: str | None = None


def write_health(path: Path, health: dict[str, ProcessHealth]) -> None:
    """Replace the file whole, so a reader never sees half of it."""
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps({name: asdict(h) for name, h in health.items()}, indent=1))
    os.replace(partial, path)


def read_health(path: Path) -> dict[str, ProcessHealth]:
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return {name: ProcessHealth(**fields) for name, fields in data.items()}


def current_health(stack: Stack) -> dict[str, ProcessHealth]:
    """Every process of the stack, checked against what runs now.

    A record saying "running" for a pid that is gone is stale (the supervisor has not looked
    yet, or is itself gone); without a supervisor nothing is restarting.
    """
    supervised = stack.pid("supervisor") is not None
    recorded = read_health(stack.health_file) if supervised else {}
    health = {}
    for name in ["broker", "database", *stack.service_names(), "web"]:
        entry = recorded.get(name) or ProcessHealth(state=DOWN)
        pid = stack.pid(name)
        if pid is not None:
            entry.state, entry.pid = RUNNING, pid
        elif not supervised:
            entry.state, entry.pid = UNSUPERVISED, None
        elif entry.state == RUNNING:
            entry.state, entry.pid = DOWN, None
        health[name] = entry
    return health


def describe(name: str, health: ProcessHealth) -> str:
    """'extract is down (restarting, 3 restarts)': what a waiting user needs to know."""
    details = [] if health.state == DOWN else [health.state.removeprefix("down, ")]
    if health.restarts:
        details.append(f"{health.restarts} restart{'s' if health.restarts != 1 else ''}")
    if health.last_exit:
        details.append(f"last {health.last_exit}")
    return f"{name} is down ({', '.join(details)})" if details else f"{name} is down"


def waiting_reason(status: str, health: dict[str, ProcessHealth]) -> str | None:
    """Why a document in `status` does not move on, when the cause is a process that is down:
    the stage that takes it next, or the broker and database every stage needs."""
    stage = NEXT_STAGE.get(status)
    if stage is None:
        return None
    for name in ("broker", "database"):
        if name in health and health[name].state != RUNNING:
            return describe(name, health[name])
    instances = {n: h for n, h in health.items() if n.partition("-")[0] == stage}
    if not instances or any(h.state == RUNNING for h in instances.values()):
        return None
    return describe(stage, instances.get(stage) or next(iter(instances.values())))


def metric_samples(port: int, timeout: float = 3.0) -> list[Sample]:
    """Every sample a service's metrics endpoint exports now."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=timeout) as response:
        text = response.read().decode()
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples]


def scrape_lag(port: int, topic: str) -> int | None:
    """Messages on `topic` a service has not yet consumed, from its metrics endpoint; None
    when the endpoint does not answer (the service is down or still starting)."""
    try:
        samples = metric_samples(port)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None
    return int(
        sum(
            sample.value
            for sample in samples
            if sample.name == "pcflow_consumer_lag" and sample.labels.get("topic") == topic
        )
    )


def stage_lag(stack: Stack) -> dict[str, int | None]:
    """Consumer lag of each consuming stage, summed over its instances (each reports the
    partitions assigned to it); None when no instance answered."""
    lag: dict[str, int | None] = {}
    for stage in SERVICES:
        if stage not in STAGE_INPUT:
            continue
        ports = [
            port
            for name, port in stack.settings.metrics_ports().items()
            if name.partition("-")[0] == stage
        ]
        measured = [m for port in ports if (m := scrape_lag(port, STAGE_INPUT[stage])) is not None]
        lag[stage] = sum(measured) if measured else None
    return lag
