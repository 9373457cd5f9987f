"""Fixtures shared by all test levels: the corpus beside the repo, free ports, a real stack."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from pcflow.stack import Stack, StackSettings, free_port, free_port_block

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def samples() -> Path:
    return Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="session")
def bad_dir(corpus: Path) -> Iterator[Path]:
    yield corpus / "bad"


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory: pytest.TempPathFactory) -> StackSettings:
    return StackSettings(
        var_dir=tmp_path_factory.mktemp("pcflow") / "var",
        kafka_port=free_port(),
        mongo_port=free_port(),
        metrics_port_base=free_port_block(20),
        web_port=free_port(),
        partitions=4,
    )


@pytest.fixture(scope="session")
def infra(stack_settings: StackSettings) -> Iterator[Stack]:
    """A real Kafka-protocol broker and a real MongoDB-wire server, over TCP."""
    stack = Stack(stack_settings)
    try:
        stack.start_broker()
        stack.start_database()
        asyncio.run(stack.create_topics())
        yield stack
    finally:
        stack.down()


class TraceCollector:
    """A minimal OTLP/HTTP receiver: the services export their spans here during tests."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, str, str]] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                for resource_spans in request.resource_spans:
                    service = next(
                        (
                            a.value.string_value
                            for a in resource_spans.resource.attributes
                            if a.key == "service.name"
                        ),
                        "",
                    )
                    for scope_spans in resource_spans.scope_spans:
                        for span in scope_spans.spans:
                            collector.spans.append((span.trace_id.hex(), service, span.name))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"

    def services_by_trace(self) -> dict[str, set[str]]:
        traces: dict[str, set[str]] = {}
        for trace_id, service, _ in self.spans:
            traces.setdefault(trace_id, set()).add(service)
        return traces


@pytest.fixture(scope="session")
def trace_collector() -> Iterator[TraceCollector]:
    collector = TraceCollector()
    yield collector
    collector.server.shutdown()


@pytest.fixture(scope="session")
def running_stack(infra: Stack, trace_collector: TraceCollector) -> Iterator[Stack]:
    """The four services on top of `infra`, as `pcflow up` runs them, exporting traces."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PCFLOW_OTLP_ENDPOINT", trace_collector.endpoint)
        infra.start_services()
    infra.wait_healthy()
    yield infra
    infra.stop(reversed(infra.service_names()), infra.service_stop_seconds())
