"""The supervisor's restart schedule on real processes that die; what a waiting user is told."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from pcflow.health import (
    DOWN,
    HELD,
    RESTARTING,
    RUNNING,
    UNSUPERVISED,
    ProcessHealth,
    read_health,
    waiting_reason,
)
from pcflow.stack import ProcessSpec, Stack, StackSettings
from pcflow.supervisor import STABLE_SECONDS, Child, Supervisor, backoff_seconds

CRASHER = ProcessSpec("crasher", [sys.executable, "-c", "raise SystemExit(3)"])
SLEEPER = ProcessSpec("sleeper", [sys.executable, "-c", "import time; time.sleep(600)"])


def test_the_pause_doubles_from_one_second_up_to_its_cap() -> None:
    assert [backoff_seconds(n) for n in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]


def pause_after_exit(supervisor: Supervisor, child: Child) -> float:
    """Wait for the child to die, let the supervisor see it, and return the pause it chose."""
    assert child.process is not None
    child.process.wait(timeout=30)
    before = time.monotonic()
    supervisor.check(child)
    assert child.restart_at is not None, "the exit was seen and a restart scheduled"
    return child.restart_at - before


def restart_now(supervisor: Supervisor, child: Child) -> None:
    child.restart_at = time.monotonic()
    supervisor.check(child)
    assert child.process is not None, "started again"


def test_a_process_that_keeps_dying_waits_longer_each_time(tmp_path: Path) -> None:
    stack = Stack(StackSettings(var_dir=tmp_path / "var"))
    supervisor = Supervisor(stack, [CRASHER])
    child = supervisor.children["crasher"]
    supervisor.launch(child)
    pauses = []
    for _ in range(3):
        pauses.append(pause_after_exit(supervisor, child))
        assert read_health(stack.health_file)["crasher"].state == RESTARTING
        restart_now(supervisor, child)
    assert [round(p) for p in pauses] == [1, 2, 4], pauses
    recorded = read_health(stack.health_file)["crasher"]
    assert (recorded.state, recorded.restarts, recorded.last_exit) == (
        RUNNING,
        3,
        "exit status 3",
    )
    assert recorded.pid == child.pid
    assert child.process is not None
    child.process.wait(timeout=30)


def test_a_process_that_ran_a_while_starts_again_after_the_shortest_pause(
    tmp_path: Path,
) -> None:
    stack = Stack(StackSettings(var_dir=tmp_path / "var"))
    supervisor = Supervisor(stack, [SLEEPER])
    child = supervisor.children["sleeper"]
    supervisor.launch(child)
    child.failures = 4  # it crash-looped before this run
    child.started -= STABLE_SECONDS
    assert child.process is not None
    child.process.send_signal(signal.SIGKILL)
    assert round(pause_after_exit(supervisor, child)) == 1
    assert read_health(stack.health_file)["sleeper"].last_exit == "killed by SIGKILL"
    restart_now(supervisor, child)
    stack.kill("sleeper", signal.SIGKILL)
    assert child.process is not None
    child.process.wait(timeout=30)


def test_a_held_process_stays_down_until_released(tmp_path: Path) -> None:
    stack = Stack(StackSettings(var_dir=tmp_path / "var"))
    supervisor = Supervisor(stack, [CRASHER])
    child = supervisor.children["crasher"]
    supervisor.launch(child)
    with stack.held("crasher"):
        pause_after_exit(supervisor, child)
        child.restart_at = time.monotonic()
        supervisor.check(child)
        assert child.process is None, "not started while held"
        assert read_health(stack.health_file)["crasher"].state == HELD
    supervisor.check(child)
    assert child.process is not None, "started once released"
    child.process.wait(timeout=30)


def test_a_process_that_cannot_start_is_tried_again_later(tmp_path: Path) -> None:
    stack = Stack(StackSettings(var_dir=tmp_path / "var"))
    supervisor = Supervisor(stack, [ProcessSpec("missing", [str(tmp_path / "no-such-program")])])
    child = supervisor.children["missing"]
    child.restart_at = time.monotonic()
    supervisor.check(child)
    assert child.process is None
    assert child.restart_at is not None, "another start is scheduled"
    assert (child.last_exit or "").startswith("could not start")
    assert read_health(stack.health_file)["missing"].state == RESTARTING


def all_running(**overrides: ProcessHealth) -> dict[str, ProcessHealth]:
    names = ("broker", "database", "ingest", "extract", "classify", "store")
    return {name: ProcessHealth(state=RUNNING, pid=1) for name in names} | overrides


def test_a_waiting_document_names_the_stage_that_is_down() -> None:
    health = all_running(
        extract=ProcessHealth(state=RESTARTING, restarts=3, last_exit="killed by SIGKILL")
    )
    assert (
        waiting_reason("uploaded", health)
        == "extract is down (restarting, 3 restarts, last killed by SIGKILL)"
    )
    assert waiting_reason("extracted", health) is None, "classify runs"
    assert waiting_reason("stored", health) is None, "a stored document waits on nothing"
    assert waiting_reason("submitted", all_running(ingest=ProcessHealth(state=DOWN))) == (
        "ingest is down"
    )


def test_another_running_instance_keeps_a_stage_up() -> None:
    health = all_running(extract=ProcessHealth(state=RESTARTING, restarts=1))
    assert waiting_reason("uploaded", health | {"extract-1": ProcessHealth(state=RUNNING)}) is None


def test_every_stage_waits_on_the_broker_and_the_database() -> None:
    health = all_running(database=ProcessHealth(state=UNSUPERVISED))
    assert waiting_reason("extracted", health) == "database is down (not supervised)"
