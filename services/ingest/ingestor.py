"""Turns files in the upload source into `documents.uploaded` events, each exactly once.

The document id is the SHA-256 of the bytes, so the same file dropped twice, under any name,
is recognised from its MongoDB record and not processed again. A record that never reached a
final status is re-emitted by reconciliation, which is how a document survives a broker that
lost its data.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.ingest.core import UploadRejected, document_id, validate_upload
from services.ingest.sources import Source, Upload
from shared import metrics, topics
from shared.broker import Transport
from shared.events import DocumentUploaded, utcnow
from shared.logs import current_document
from shared.objectstore import aput
from shared.status import FINAL, record_stage
from shared.version import PIPELINE_VERSION

log = logging.getLogger("pcflow.ingest")


def upload_fields(upload: Upload, data: bytes, now: datetime) -> dict[str, Any]:
    return {
        "filename": upload.name,
        "source": upload.uri,
        "size": len(data),
        "pipeline_version": PIPELINE_VERSION,
        "uploaded_at": now,
    }


class Ingestor:
    def __init__(
        self,
        transport: Transport,
        source: Source,
        collection: AsyncCollection[dict[str, Any]],
        max_upload_bytes: int,
    ) -> None:
        self.transport = transport
        self.source = source
        self.collection = collection
        self.max_upload_bytes = max_upload_bytes
        self.seen: dict[str, str] = {}

    async def scan(self) -> int:
        """Emit every upload not seen before; returns how many were emitted."""
        emitted = 0
        for upload in await asyncio.to_thread(self.source.list):
            if self.seen.get(upload.uri) == upload.fingerprint:
                continue
            if await self.ingest(upload):
                emitted += 1
            self.seen[upload.uri] = upload.fingerprint
        return emitted

    async def ingest(self, upload: Upload, *, force: bool = False) -> bool:
        data = await asyncio.to_thread(self.source.read, upload)
        doc_id = document_id(data)
        token = current_document.set(doc_id)
        try:
            existing = await self.collection.find_one({"document_id": doc_id})
            if (
                not force
                and existing is not None
                and existing.get("pipeline_version") == PIPELINE_VERSION
            ):
                metrics.UPLOADS.labels(result="duplicate").inc()
                log.info("already known (%s): %s", existing.get("status"), upload.name)
                return False
            try:
                accepted = validate_upload(data, self.max_upload_bytes)
            except UploadRejected as exc:
                await self.reject(upload, doc_id, data, exc)
                return False
            await self.emit(upload, accepted.document_id, data)
            return True
        finally:
            current_document.reset(token)

    async def emit(self, upload: Upload, doc_id: str, data: bytes) -> None:
        now = utcnow()
        ref = await aput(self.transport.store, f"documents/{doc_id}.pdf", data)
        event = DocumentUploaded(
            document_id=doc_id,
            pipeline_version=PIPELINE_VERSION,
            uploaded_at=now,
            occurred_at=now,
            filename=upload.name,
            source=upload.uri,
            pdf=ref,
        )
        await self.transport.publish(topics.UPLOADED, event, subject=doc_id)
        await record_stage(
            self.collection,
            doc_id,
            "uploaded",
            now,
            fields=upload_fields(upload, data, now),
        )
        metrics.UPLOADS.labels(result="accepted").inc()
        log.info("accepted %s (%d bytes)", upload.name, len(data))

    async def reject(self, upload: Upload, doc_id: str, data: bytes, exc: UploadRejected) -> None:
        now = utcnow()
        await self.transport.dead_letter(
            body=data, exc=exc, origin=upload.uri, document_id=doc_id, position=doc_id
        )
        await record_stage(
            self.collection,
            doc_id,
            "failed",
            now,
            fields={
                **upload_fields(upload, data, now),
                "error_type": type(exc).__name__,
                "failed_stage": "ingest",
            },
            reason=f"{exc.reason}: {exc}",
        )
        metrics.UPLOADS.labels(result="rejected").inc()
        metrics.DOCUMENTS.labels(status="failed").inc()

    async def reconcile(self, stale_after: timedelta) -> list[str]:
        """Re-emit uploads whose record is missing or stuck short of a final status."""
        cutoff = datetime.now(UTC) - stale_after
        reemitted = []
        for upload in await asyncio.to_thread(self.source.list):
            data = await asyncio.to_thread(self.source.read, upload)
            doc_id = document_id(data)
            record = await self.collection.find_one({"document_id": doc_id})
            if record is not None and record.get("status") in FINAL:
                continue
            status_at = record.get("status_at") if record else None
            if status_at is not None and status_at.replace(tzinfo=UTC) > cutoff:
                continue
            if await self.ingest(upload, force=True):
                reemitted.append(doc_id)
        return reemitted
