"""The classify service: `documents.extracted` in, `documents.classified` out."""

from __future__ import annotations

import asyncio
import time

from faststream.asgi import AsgiFastStream

from services.classify.core import classify
from shared import metrics, topics
from shared.broker import Transport
from shared.documents import StructuredDocument
from shared.events import DocumentClassified, DocumentExtracted
from shared.logs import configure_logging
from shared.service import build_app
from shared.settings import ClassifySettings

GROUP = "pcflow-classify"


def record_content_metrics(document: StructuredDocument) -> None:
    for paragraph in document.paragraphs:
        metrics.PARAGRAPHS.labels(label=paragraph.label).inc()
    metrics.FINANCIAL_LINES.inc(len(document.financial_lines))
    for table in document.tables:
        for check in table.checks:
            if not check.passed:
                metrics.CHECKS_FAILED.labels(check=check.name).inc()
    metrics.CLASSIFIED_DOCUMENTS.labels(
        municipality=document.info.municipality or "unknown",
        document_type=document.info.document_type or "unknown",
    ).inc()


def create_app(settings: ClassifySettings | None = None) -> AsgiFastStream:
    settings = settings or ClassifySettings()
    configure_logging("classify", settings.log_level)
    transport = Transport(settings, "classify")
    transport.output(topics.CLASSIFIED, DocumentClassified)

    @transport.subscriber(topics.EXTRACTED, group=GROUP)
    async def handle(event: DocumentExtracted) -> None:
        started = time.perf_counter()
        document = await asyncio.to_thread(classify, event.extracted, event.pipeline_version)
        metrics.STAGE_CORE.labels(stage="classify").observe(time.perf_counter() - started)
        record_content_metrics(document)
        out = DocumentClassified(**event.lineage(), document=document)
        await transport.publish(topics.CLASSIFIED, out, subject=event.document_id)

    return build_app(transport)
