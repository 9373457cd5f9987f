"""Runs pip-audit and says what it really audited.

pip-audit reports "No known vulnerabilities found" and exits 0 when its vulnerability service
answers 404 for every package (a mirror or proxy in front of pypi.org does that), so a passing
audit can mean that nothing was audited at all. This wrapper reads pip-audit's JSON report and
judges it: a known vulnerability always fails; an audit that covered no dependency, or a service
that could not be reached, fails by default (`make audit`) and, with `--allow-unreachable`
(`make test`, which CI runs on machines that may have no route to the service), passes with a
plain statement that nothing was audited.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# What pip-audit's requests/urllib3 stack prints when the service has no route or no name.
_UNREACHABLE_MARKERS = (
    "Could not connect",
    "ConnectionError",
    "Max retries exceeded",
    "Failed to resolve",
    "is not redirecting properly",
    "Read timed out",
)

DEFAULT_PIP_AUDIT_ARGS = ("--skip-editable", "--progress-spinner", "off")


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    message: str


def _nothing_audited(reason: str, *, allow_unreachable: bool) -> Verdict:
    if allow_unreachable:
        return Verdict(
            0, f"pip-audit: NOTHING WAS AUDITED ({reason}). Not a failure here; `make audit` fails."
        )
    return Verdict(1, f"pip-audit: NOTHING WAS AUDITED ({reason})")


def judge(returncode: int, stdout: str, stderr: str, *, allow_unreachable: bool) -> Verdict:
    """The verdict on one pip-audit run made with `--format json`."""
    try:
        report: dict[str, Any] = json.loads(stdout)
        dependencies: list[dict[str, Any]] = report["dependencies"]
    except (ValueError, KeyError, TypeError):
        last_line = stderr.strip().splitlines()[-1] if stderr.strip() else "no output"
        if any(marker in stderr for marker in _UNREACHABLE_MARKERS):
            return _nothing_audited(
                f"the vulnerability service could not be reached: {last_line}",
                allow_unreachable=allow_unreachable,
            )
        return Verdict(1, f"pip-audit failed with exit status {returncode}: {last_line}")

    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    if vulnerable:
        lines = [
            f"  {dep['name']} {dep['version']}: {vuln['id']} "
            f"(fixed in {', '.join(vuln.get('fix_versions') or []) or 'no release yet'})"
            for dep in vulnerable
            for vuln in dep["vulns"]
        ]
        return Verdict(1, "pip-audit: known vulnerabilities found:\n" + "\n".join(lines))
    audited = len(dependencies) - len(skipped)
    if audited == 0:
        first = skipped[0]["skip_reason"] if skipped else "no dependencies were listed"
        return _nothing_audited(
            f"the vulnerability service answered for none of {len(dependencies)} "
            f"dependencies; first reason: {first}",
            allow_unreachable=allow_unreachable,
        )
    message = f"pip-audit: {audited} dependencies audited, no known vulnerabilities"
    if skipped:
        names = ", ".join(dep["name"] for dep in skipped)
        message += f"; {len(skipped)} not audited (unknown to the service): {names}"
    return Verdict(0, message)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog="Any other argument is passed on to pip-audit.",
    )
    parser.add_argument(
        "--allow-unreachable",
        action="store_true",
        help="pass, saying so, when the vulnerability service audited nothing",
    )
    args, pip_audit_args = parser.parse_known_args(argv)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            *(pip_audit_args or DEFAULT_PIP_AUDIT_ARGS),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    verdict = judge(
        run.returncode, run.stdout, run.stderr, allow_unreachable=args.allow_unreachable
    )
    print(verdict.message, file=sys.stderr if verdict.exit_code else sys.stdout)
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main())
