"""The audit against the real vulnerability service, wherever this machine can reach it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Jinja2 2.10 has a published sandbox escape (PYSEC-2019-217, fixed in 2.10.1).
VULNERABLE_PIN = "jinja2==2.10\n"


def audit(requirements: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pcflow.audit",
            *flags,
            "--requirement",
            str(requirements),
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.parametrize("flags", [(), ("--allow-unreachable",)])
def test_a_known_vulnerable_pin_never_passes_as_audited(
    tmp_path: Path, flags: tuple[str, ...]
) -> None:
    """Either the service flags the pin, or the run says plainly that nothing was audited."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(VULNERABLE_PIN)
    run = audit(requirements, *flags)
    output = run.stdout + run.stderr
    if "NOTHING WAS AUDITED" in output:
        assert run.returncode == (0 if flags else 1)
    else:
        assert run.returncode == 1, output
        assert "jinja2 2.10: " in output
