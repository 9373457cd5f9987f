"""OpenTelemetry tracing: always propagates W3C traceparent, exports only when configured.

The provider exists even with export off, so trace context still flows through the headers and
switching export on later needs no other change.
"""

from __future__ import annotations

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from shared.settings import CommonSettings


def tracer_provider(settings: CommonSettings, service: str) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": f"pcflow-{service}"}))
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint))
        )
    return provider
