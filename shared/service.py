"""Runs a service: its broker plus /metrics and /health over HTTP in one process.

uvicorn handles SIGTERM; FastStream then stops consuming and waits for the message in flight
(the broker's graceful timeout) before the process exits, so a deploy hands work back cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable

from faststream.asgi import AsgiFastStream, make_ping_asgi
from prometheus_client import REGISTRY, make_asgi_app

from shared import metrics
from shared.broker import Transport
from shared.heap import freeze_startup_heap
from shared.lag import report_lag
from shared.settings import CommonSettings

LAG_INTERVAL_SECONDS = 10.0

log = logging.getLogger("pcflow.service")


def build_app(transport: Transport) -> AsgiFastStream:
    metrics.initialise(transport.service)
    app = AsgiFastStream(
        transport.broker,
        asgi_routes=[
            ("/metrics", make_asgi_app(REGISTRY)),
            ("/health", make_ping_asgi(transport.broker, timeout=5.0)),
        ],
    )
    tasks: list[asyncio.Task[None]] = []
    started: list[bool] = []

    @app.after_startup
    async def start_lag_reporting() -> None:
        started.append(True)
        if transport.subscriptions:
            tasks.append(
                asyncio.create_task(report_lag(transport.subscriptions, LAG_INTERVAL_SECONDS))
            )

    @app.on_shutdown
    async def stop_lag_reporting() -> None:
        for task in tasks:
            task.cancel()

    @app.on_shutdown
    async def exit_when_never_started() -> None:
        # FastStream starts the broker after uvicorn has reported the app up; a broker that
        # goes away in that moment fails the start and runs these hooks (store closes its
        # database client), yet the process would live on, half started, with some consumers
        # taking messages it can no longer handle. Ending it hands them back and lets the
        # supervisor start it again.
        if not started:
            os.kill(os.getpid(), signal.SIGTERM)

    return app


async def periodically(
    interval: float, action: Callable[[], Awaitable[list[str]]], what: str
) -> None:
    """Run `action` every `interval` seconds for the life of the service; a failed run (the
    broker or database away) is logged and the next one tried, and what it did is logged."""
    while True:
        await asyncio.sleep(interval)
        try:
            done = await action()
        except Exception:
            log.warning("%s failed; trying again in %.0f s", what, interval, exc_info=True)
            continue
        if done:
            log.warning("%s: %d documents", what, len(done))


def serve(app: AsgiFastStream, settings: CommonSettings) -> None:
    freeze_startup_heap()
    asyncio.run(
        app.run(
            log_level=logging.getLevelName(settings.log_level.upper()),
            run_extra_options={"host": settings.metrics_host, "port": settings.metrics_port},
        )
    )
