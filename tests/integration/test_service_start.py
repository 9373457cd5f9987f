"""A service whose broker start fails ends its process instead of living on half started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pcflow.stack import free_port

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def test_a_service_whose_broker_cannot_start_exits() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PCFLOW_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
        "PCFLOW_MONGO_URL": f"mongodb://127.0.0.1:{free_port()}",
        "PCFLOW_METRICS_PORT": str(free_port()),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "services.store"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"store lived on after its broker failed to start:\n{err[-2000:]}")
    assert "Unable to bootstrap" in err
