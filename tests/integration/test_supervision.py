"""The supervised embedded stack as a user meets it: a killed service comes back by itself,
`pcflow status` shows that it did, and `pcflow submit` says which stage a report waits on.

The stack here is started by `Stack.up`, as `pcflow up` starts it, and the commands run as
separate processes against it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pcflow.health import RUNNING, current_health
from pcflow.stack import Stack, StackSettings, free_port, free_port_block

pytestmark = pytest.mark.integration

PCFLOW = str(Path(sys.executable).parent / "pcflow")


@pytest.fixture(scope="module")
def supervised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(
        StackSettings(
            var_dir=tmp_path_factory.mktemp("supervised") / "var",
            kafka_port=free_port(),
            mongo_port=free_port(),
            metrics_port_base=free_port_block(20),
            web_port=free_port(),
        )
    )
    try:
        stack.up()
        yield stack
    finally:
        stack.down()


def cli_env(stack: Stack) -> dict[str, str]:
    settings = stack.settings
    return {
        **os.environ,
        "PCFLOW_VAR_DIR": str(stack.var),
        "PCFLOW_KAFKA_PORT": str(settings.kafka_port),
        "PCFLOW_MONGO_PORT": str(settings.mongo_port),
        "PCFLOW_METRICS_PORT_BASE": str(settings.metrics_port_base),
        "PCFLOW_WEB_PORT": str(settings.web_port),
        "COLUMNS": "200",  # table rows on one line each
        "PYTHONUNBUFFERED": "1",
    }


def pcflow(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PCFLOW, *args], env=cli_env(stack), capture_output=True, text=True, timeout=600
    )


def table_rows(output: str, first_cell: str) -> list[list[str]]:
    """The rows of every table in `output` whose first cell is `first_cell`."""
    rows = []
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if cells and cells[0] == first_cell:
            rows.append(cells)
    return rows


def test_a_killed_service_is_started_again_and_the_next_report_is_stored(
    supervised: Stack, samples: Path
) -> None:
    killed = supervised.pid("extract")
    supervised.kill("extract", signal.SIGKILL)

    report = str(samples / "sample-jaarverslag-2023.pdf")
    submitted = pcflow(supervised, "submit", report, "--timeout", "240")
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    assert "stored sample-jaarverslag-2023.pdf" in submitted.stdout

    extract = current_health(supervised)["extract"]
    assert extract.state == RUNNING
    assert extract.pid not in (None, killed)
    assert extract.restarts >= 1
    assert extract.last_exit == "killed by SIGKILL"
    assert "killed by SIGKILL" in (supervised.log_dir / "supervisor.log").read_text()

    status = pcflow(supervised, "status")
    assert status.returncode == 0, status.stdout + status.stderr
    process_row, lag_row = table_rows(status.stdout, "extract")
    state, pid, _, restarts, last_exit = process_row[1:]
    assert (state, pid, last_exit) == (RUNNING, str(extract.pid), "killed by SIGKILL")
    assert int(restarts) >= 1
    assert lag_row[1].isdigit(), f"extract answers with its consumer lag: {lag_row}"
    for stage in ("classify", "store"):
        assert table_rows(status.stdout, stage)[1][1].isdigit()


def collect_lines(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)


def test_submit_names_the_stage_a_report_waits_on(supervised: Stack, samples: Path) -> None:
    """With the supervisor frozen, a killed extract stays down until it resumes."""
    supervisor = supervised.pid("supervisor")
    assert supervisor is not None
    os.kill(supervisor, signal.SIGSTOP)
    try:
        supervised.kill("extract", signal.SIGKILL)
        submit = subprocess.Popen(
            [PCFLOW, "submit", str(samples / "sample-begroting-2025.pdf"), "--timeout", "240"],
            env=cli_env(supervised),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        reader = threading.Thread(target=collect_lines, args=(submit, lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + 120
        while not any("waiting in uploaded: extract is down" in line for line in lines):
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.5)
    finally:
        os.kill(supervisor, signal.SIGCONT)
    assert submit.wait(timeout=600) == 0, "".join(lines)
    reader.join(timeout=10)
    assert any("stored sample-begroting-2025.pdf" in line for line in lines), "".join(lines)
