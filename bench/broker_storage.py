"""What it costs the embedded broker to keep its data, against losing it on a restart.

    python -m bench.broker_storage [--messages 400] [--size 20000]

Starts the bundled Tansu on each storage engine it was built with, publishes messages of
about a structured event's size the way a stage does (one at a time, waiting for the
acknowledgement), reads them back, then SIGKILLs the broker, starts it again and counts what
is left. `memory://` is the embedded stack's engine; `s3://` runs against a local S3 server
(moto), the only durable engine in the bundled build: it refuses `postgres://` and
`sqlite://` as features it was built without, which is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from pcflow.stack import free_port, tansu_binary, wait_for_port

TOPIC = "bench.storage"
PARTITIONS = 4


@dataclass
class Figures:
    engine: str
    publish_ms_p50: float
    publish_ms_p95: float
    published_per_second: float
    read_per_second: float
    restart_seconds: float
    kept_after_sigkill: int


def tansu_command(port: int) -> list[str]:
    url = f"tcp://127.0.0.1:{port}"
    return [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url]


def start_broker(
    port: int, storage: str, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [*tansu_command(port), "--storage-engine", storage],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )
    wait_for_port(port, 30, f"tansu on {storage}")
    return process


async def create_topic(bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if TOPIC not in await admin.list_topics():
            await admin.create_topics([NewTopic(TOPIC, PARTITIONS, 1)])
    finally:
        await admin.close()


async def publish(bootstrap: str, messages: int, size: int) -> tuple[list[float], float]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=2 * 1024 * 1024)
    await producer.start()
    body = os.urandom(size)
    latencies = []
    try:
        started = time.perf_counter()
        for index in range(messages):
            sent = time.perf_counter()
            await producer.send_and_wait(TOPIC, body, key=f"{index:064x}".encode())
            latencies.append(time.perf_counter() - sent)
        return latencies, time.perf_counter() - started
    finally:
        await producer.stop()


async def read_all(bootstrap: str) -> tuple[int, float]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(TOPIC, p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        started = time.perf_counter()
        count = 0
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                count += len(records)
        return count, time.perf_counter() - started
    finally:
        await consumer.stop()


def measure(engine: str, storage: str, env: dict[str, str], args: argparse.Namespace) -> Figures:
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    log = Path(tempfile.gettempdir()) / f"bench-tansu-{port}.log"
    broker = start_broker(port, storage, env, log)
    try:
        asyncio.run(create_topic(bootstrap))
        latencies, seconds = asyncio.run(publish(bootstrap, args.messages, args.size))
        count, read_seconds = asyncio.run(read_all(bootstrap))
        assert count == args.messages, (count, args.messages)
        broker.send_signal(signal.SIGKILL)
        broker.wait()
        started = time.perf_counter()
        broker = start_broker(port, storage, env, log)
        restart = time.perf_counter() - started
        kept = asyncio.run(read_all(bootstrap))[0] if asyncio.run(has_topic(bootstrap)) else 0
    finally:
        broker.send_signal(signal.SIGKILL)
        broker.wait()
    cuts = statistics.quantiles([1000 * x for x in latencies], n=20)
    return Figures(
        engine=engine,
        publish_ms_p50=statistics.median(latencies) * 1000,
        publish_ms_p95=cuts[18],
        published_per_second=args.messages / seconds,
        read_per_second=count / read_seconds,
        restart_seconds=restart,
        kept_after_sigkill=kept,
    )


async def has_topic(bootstrap: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return TOPIC in await admin.list_topics()
    finally:
        await admin.close()


def refused(storage: str) -> str:
    """How the bundled build answers an engine it may not have been built with."""
    result = subprocess.run(
        [*tansu_command(free_port()), "--storage-engine", storage],
        capture_output=True,
        text=True,
        timeout=10,
    )
    lines = (result.stdout + result.stderr).strip().splitlines()
    return lines[-1] if lines else f"exit status {result.returncode}"


def s3_server() -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """A local S3 server (moto) with the bucket Tansu writes to, and the variables that
    point Tansu's object store at it."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, 30, "moto")
    endpoint = f"http://127.0.0.1:{port}"
    request = urllib.request.Request(f"{endpoint}/tansu", method="PUT")
    urllib.request.urlopen(request, timeout=10).close()
    env = {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT": endpoint,
        "AWS_ALLOW_HTTP": "true",
    }
    return server, env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--size", type=int, default=20_000, help="bytes per message")
    args = parser.parse_args()
    for storage in ("postgres://postgres:postgres@127.0.0.1:5432/tansu", "sqlite://tansu.db"):
        print(f"{storage.split(':')[0]:>8}: {refused(storage)}")
    rows = [measure("memory", "memory://tansu/", {}, args)]
    server, env = s3_server()
    try:
        rows.append(measure("s3 (moto)", "s3://tansu/", env, args))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    print(
        f"\n{'engine':<10}{'publish p50 ms':>16}{'p95 ms':>9}{'published/s':>13}"
        f"{'read/s':>9}{'restart s':>11}{'kept after SIGKILL':>20}"
    )
    for r in rows:
        print(
            f"{r.engine:<10}{r.publish_ms_p50:>16.1f}{r.publish_ms_p95:>9.1f}"
            f"{r.published_per_second:>13.0f}{r.read_per_second:>9.0f}{r.restart_seconds:>11.2f}"
            f"{r.kept_after_sigkill:>14}/{args.messages}"
        )


if __name__ == "__main__":
    main()
