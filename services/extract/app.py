"""The extract service: `documents.uploaded` in, `documents.extracted` out.

Parsing runs in a sandboxed child process on a worker thread, so the event loop keeps the
consumer's heartbeats going while a long document is parsed, and a hostile PDF can only kill
its own child.
"""

from __future__ import annotations

import asyncio
import time

from faststream.asgi import AsgiFastStream

from services.extract.limits import ExtractLimits
from services.extract.sandbox import extract_in_sandbox, start_children_server
from shared import metrics, topics
from shared.broker import Transport
from shared.documents import ExtractedDocument
from shared.events import DocumentExtracted, DocumentUploaded
from shared.logs import configure_logging
from shared.objectstore import aget
from shared.service import build_app
from shared.settings import ExtractSettings

GROUP = "pcflow-extract"


def create_app(settings: ExtractSettings | None = None) -> AsgiFastStream:
    settings = settings or ExtractSettings()
    configure_logging("extract", settings.log_level)
    transport = Transport(settings, "extract")
    transport.output(topics.EXTRACTED, DocumentExtracted)
    # Every limit the settings carry under the same name comes from them; the rest keep defaults.
    limits = ExtractLimits.model_validate(settings, from_attributes=True)

    @transport.subscriber(topics.UPLOADED, group=GROUP, workers=settings.document_workers)
    async def handle(event: DocumentUploaded) -> None:
        data = await aget(transport.store, event.pdf)
        started = time.perf_counter()
        extracted: ExtractedDocument = await asyncio.to_thread(
            extract_in_sandbox, data, event.document_id, event.filename, limits
        )
        metrics.STAGE_CORE.labels(stage="extract").observe(time.perf_counter() - started)
        metrics.PAGES.inc(extracted.page_count)
        metrics.OCR_PAGES.inc(sum(1 for page in extracted.pages if page.ocr))
        out = DocumentExtracted(**event.lineage(), extracted=extracted)
        await transport.publish(topics.EXTRACTED, out, subject=event.document_id)

    app = build_app(transport)

    @app.on_startup
    async def start_sandbox() -> None:
        await asyncio.to_thread(start_children_server)

    return app
