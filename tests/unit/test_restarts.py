"""Telling a restarted database from the process id it reports."""

from __future__ import annotations

from shared.restarts import RestartWatch


def test_the_first_process_seen_is_no_restart() -> None:
    watch = RestartWatch()
    assert not watch.restarted("a")
    assert not watch.restarted("a")


def test_another_process_is_a_restart_until_handled() -> None:
    watch = RestartWatch()
    watch.restarted("a")
    assert watch.restarted("b")
    # the recovery pass failed: the next check sees the restart again
    assert watch.restarted("b")
    watch.handled("b")
    assert not watch.restarted("b")


def test_a_server_that_reports_no_process_never_restarts() -> None:
    watch = RestartWatch()
    assert not watch.restarted(None)
    watch.restarted("a")
    assert not watch.restarted(None)
    watch.handled(None)
    assert watch.restarted("b")
