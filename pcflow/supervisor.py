"""The embedded stack's supervisor: one process that starts the broker, the database and the
services, and starts again whichever of them dies.

`pcflow up` starts it detached, so supervision outlives the CLI. It is the parent of what it
starts, so it learns each exit status at once (a process watched by pid is only seen gone).
A process that keeps dying is started again after pauses that double up to a cap, so a crash
loop neither spins the CPU nor floods the log; one that ran a while before it died starts
again after the shortest pause. What it knows about each process goes to `var/run/health.json`
for `pcflow status` and `pcflow submit`.

SIGTERM, which `pcflow down` sends first, ends supervision only: `pcflow down` then stops the
processes itself, services first and each within its graceful timeout.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType

from aiokafka.errors import KafkaError

from pcflow.health import HELD, RESTARTING, RUNNING, ProcessHealth, write_health
from pcflow.stack import ProcessSpec, Stack, StackSettings, pid_alive, wait_for_port

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 30.0
# a process that ran this long before it died was not crash-looping: its pause starts over
STABLE_SECONDS = 60.0
# the database may first recover its storage after an unclean stop
PORT_TIMEOUT_SECONDS = 60.0
TICK_SECONDS = 0.5

log = logging.getLogger("pcflow.supervisor")


def backoff_seconds(failures: int) -> float:
    """The pause before starting a process that died `failures` times in a row before."""
    return min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0**failures)


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


def now_iso(after_seconds: float = 0.0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=after_seconds)).isoformat(timespec="seconds")


@dataclass
class Child:
    """One supervised process: the running one, if any, and its history."""

    spec: ProcessSpec
    process: subprocess.Popen[bytes] | None = None
    # set alone for a process found running, started before this supervisor: not our child
    adopted_pid: int | None = None
    started: float = 0.0
    since: str | None = None
    restarts: int = 0
    failures: int = 0
    last_exit: str | None = None
    restart_at: float | None = None
    restart_at_iso: str | None = None
    held: bool = False

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else self.adopted_pid

    def exit(self) -> str | None:
        """How the process ended, or None while it runs (or while none is started)."""
        if self.process is not None:
            returncode = self.process.poll()
            return None if returncode is None else describe_exit(returncode)
        if self.adopted_pid is not None and not pid_alive(self.adopted_pid):
            return "exited (status unknown: started before the supervisor)"
        return None

    def health(self) -> ProcessHealth:
        return ProcessHealth(
            state=RUNNING if self.restart_at is None else HELD if self.held else RESTARTING,
            pid=self.pid,
            since=self.since,
            restarts=self.restarts,
            last_exit=self.last_exit,
            restart_at=self.restart_at_iso,
        )


class Supervisor:
    def __init__(self, stack: Stack, specs: list[ProcessSpec]) -> None:
        """`specs` in the order they start: what a process needs starts before it."""
        self.stack = stack
        self.children = {spec.name: Child(spec) for spec in specs}
        self.stopping = False

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def write_health(self) -> None:
        write_health(
            self.stack.health_file,
            {name: child.health() for name, child in self.children.items()},
        )

    def launch(self, child: Child) -> None:
        child.started = time.monotonic()
        child.restart_at = child.restart_at_iso = None
        child.process = self.stack.launch(child.spec)
        child.adopted_pid = None
        child.since = now_iso()
        log.info("started %s, pid %d", child.spec.name, child.process.pid)
        self.write_health()

    def until_ready(self, child: Child) -> None:
        """Later steps need the broker and the database listening; a broker that starts again
        has lost its in-memory topics, so they are created again."""
        if child.spec.port is not None:
            wait_for_port(child.spec.port, PORT_TIMEOUT_SECONDS, child.spec.name)
        if child.spec.name == "broker":
            self.create_topics(child)

    def create_topics(self, child: Child) -> None:
        """A broker just started may fail the request while every service reconnects to it,
        so it is asked again; one that will not take it is killed and started again, since
        without its topics every stage would retry in vain."""
        deadline = time.monotonic() + PORT_TIMEOUT_SECONDS
        while True:
            try:
                asyncio.run(self.stack.create_topics())
                return
            except KafkaError as error:
                if time.monotonic() > deadline:
                    if child.process is not None:
                        child.process.kill()
                    raise RuntimeError(f"the broker did not create its topics: {error}") from error
                log.warning("the broker did not create its topics yet (%s); asking again", error)
                time.sleep(1)

    def start_all(self) -> None:
        """In dependency order; a process already running (the supervisor itself was
        restarted) is watched instead of started twice."""
        for name, child in self.children.items():
            if (pid := self.stack.pid(name)) is not None:
                child.adopted_pid = pid
                child.started = time.monotonic()
                log.info("watching %s, pid %d, started before the supervisor", name, pid)
                continue
            self.launch(child)
            self.until_ready(child)
        self.write_health()

    def schedule_restart(self, child: Child, how: str) -> None:
        now = time.monotonic()
        if now - child.started >= STABLE_SECONDS:
            child.failures = 0
        pause = backoff_seconds(child.failures)
        log.warning(
            "%s, pid %s, %s after %.0f s; starting it again in %.0f s",
            child.spec.name,
            child.pid,
            how,
            now - child.started,
            pause,
        )
        child.failures += 1
        child.last_exit = how
        child.process = child.adopted_pid = None
        child.restart_at = now + pause
        child.restart_at_iso = now_iso(pause)
        self.write_health()

    def check(self, child: Child) -> None:
        if child.restart_at is None:
            if (how := child.exit()) is not None:
                self.schedule_restart(child, how)
            return
        if time.monotonic() < child.restart_at:
            return
        if child.held != self.stack.hold_file(child.spec.name).exists():
            child.held = not child.held
            log.info("%s %s", child.spec.name, "held down" if child.held else "released")
            self.write_health()
        if child.held:
            return
        child.restarts += 1
        try:
            self.launch(child)
        except OSError as error:
            self.schedule_restart(child, f"could not start: {error}")
            return
        try:
            self.until_ready(child)
        except (OSError, RuntimeError):
            # it runs but is not ready yet; should it die, the next check sees that
            log.warning("%s started again but is not ready", child.spec.name, exc_info=True)

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        self.start_all()
        while not self.stopping:
            for child in self.children.values():
                self.check(child)
            time.sleep(TICK_SECONDS)
        log.info("supervision ends; the processes are left to pcflow down")


def main() -> None:
    """Entry point of the detached supervisor: the stack's settings come as one JSON argument,
    so a stack with its own ports and folder (tests, benchmarks) is supervised as it is."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stack = Stack(StackSettings(**json.loads(sys.argv[1])))
    specs = [stack.broker_spec(), stack.database_spec(), *stack.service_specs(), stack.web_spec()]
    Supervisor(stack, specs).run()


if __name__ == "__main__":
    main()
