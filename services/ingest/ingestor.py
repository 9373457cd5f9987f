"""Turns files in the upload source into `documents.uploaded` events, each exactly once.

The document id is the SHA-256 of the bytes, so the same file dropped twice, under any name,
is recognised from its MongoDB record and not processed again. A record that never reached a
final status is re-emitted by reconciliation, which is how a document survives a broker that
lost its data.

An upload is checked from its metadata (size, and that it is a plain file) before it is read;
one refused then has no content hash, and its record is keyed by `unread_id` instead.

Every record lists the uploads (where, and their size and time or etag) it was read from, so
reconciliation tells a known upload from the listing alone: a pass reads only files it has
never seen and those of documents that are stuck, not the whole bucket.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.ingest.core import (
    UploadRejected,
    check_size,
    document_id,
    reemission,
    source_key,
    validate_upload,
)
from services.ingest.sources import Source, Upload
from shared import metrics, topics
from shared.broker import Transport
from shared.events import DocumentUploaded, ObjectRef, utcnow
from shared.logs import current_document
from shared.objectstore import aput
from shared.probe import TopicProbe
from shared.sent import Sent
from shared.status import (
    FINAL,
    STRUCTURED_COLLECTION,
    UPLOADED_MESSAGE,
    record_check,
    record_stage,
)
from shared.version import PIPELINE_VERSION

log = logging.getLogger("pcflow.ingest")


def upload_fields(
    upload: Upload, size: int | None, now: datetime, pdf: ObjectRef | None = None
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "filename": upload.name,
        "source": upload.uri,
        "size": size,
        "pipeline_version": PIPELINE_VERSION,
        "uploaded_at": now,
    }
    if pdf is not None:
        fields["pdf"] = pdf.model_dump()
    return fields


def unread_id(upload: Upload) -> str:
    """The record id of an upload refused before it was read, so without a content hash.

    Derived from where the upload is and its fingerprint: the same refusal is recorded once,
    and a file replaced under the same name is looked at again.
    """
    return hashlib.sha256(f"unread:{upload.uri}:{upload.fingerprint}".encode()).hexdigest()


def record_id(upload: Upload, content: bytes | UploadRejected) -> str:
    return document_id(content) if isinstance(content, bytes) else unread_id(upload)


def listing_key(upload: Upload) -> str:
    """The upload as a listing shows it: a file replaced under its name is another upload."""
    return f"{upload.uri}#{upload.fingerprint}"


def stuck(record: dict[str, Any] | None, cutoff: datetime) -> bool:
    """Whether a document is missing, or short of a final status since before `cutoff`."""
    if record is None:
        return True
    if record.get("status") in FINAL:
        return False
    status_at = record.get("status_at")
    return status_at is None or status_at.replace(tzinfo=UTC) <= cutoff


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

    def read(self, upload: Upload) -> bytes | UploadRejected:
        """The upload's bytes, or why it was refused; an oversized file is never read whole."""
        try:
            check_size(self.source.size(upload), self.max_upload_bytes)
            data = self.source.read(upload, self.max_upload_bytes)
            check_size(len(data), self.max_upload_bytes)
        except UploadRejected as exc:
            return exc
        return data

    async def ingest(self, upload: Upload, *, force: bool = False) -> bool:
        content = await asyncio.to_thread(self.read, upload)
        doc_id = record_id(upload, content)
        token = current_document.set(doc_id)
        try:
            emitted = await self._emit_unless_known(upload, doc_id, content, force)
            await self.collection.update_one(
                {"document_id": doc_id}, {"$addToSet": {"listed": listing_key(upload)}}
            )
            return emitted
        finally:
            current_document.reset(token)

    async def _emit_unless_known(
        self, upload: Upload, doc_id: str, content: bytes | UploadRejected, force: bool
    ) -> bool:
        """Whether the upload went on as a new document (or, forced, once more)."""
        existing = await self.collection.find_one({"document_id": doc_id})
        if (
            not force
            and existing is not None
            and existing.get("pipeline_version") == PIPELINE_VERSION
        ):
            metrics.UPLOADS.labels(result="duplicate").inc()
            log.info("already known (%s): %s", existing.get("status"), upload.name)
            return False
        if isinstance(content, UploadRejected):
            await self.reject(upload, doc_id, None, content)
            return False
        try:
            accepted = validate_upload(content, self.max_upload_bytes)
        except UploadRejected as exc:
            await self.reject(upload, doc_id, content, exc)
            return False
        await self.emit(upload, accepted.document_id, content)
        return True

    async def emit(self, upload: Upload, doc_id: str, data: bytes) -> None:
        now = utcnow()
        ref = await aput(self.transport.store, source_key(doc_id), data)
        event = DocumentUploaded(
            document_id=doc_id,
            pipeline_version=PIPELINE_VERSION,
            uploaded_at=now,
            occurred_at=now,
            filename=upload.name,
            source=upload.uri,
            pdf=ref,
        )
        await self.announce(event, upload_fields(upload, len(data), now, ref))
        metrics.UPLOADS.labels(result="accepted").inc()
        log.info("accepted %s (%d bytes)", upload.name, len(data))

    async def announce(self, event: DocumentUploaded, fields: dict[str, Any]) -> None:
        """Publish, then record the status and where the event landed, so a later check can
        tell whether the broker still has it."""
        landed = await self.transport.publish(topics.UPLOADED, event, subject=event.document_id)
        sent = Sent.landed(event.document_id, event.pipeline_version, landed)
        await record_stage(
            self.collection,
            event.document_id,
            "uploaded",
            event.occurred_at,
            fields={**fields, UPLOADED_MESSAGE: sent.fields()},
        )

    async def reject(
        self, upload: Upload, doc_id: str, data: bytes | None, exc: UploadRejected
    ) -> None:
        """Dead-letter and record a refused upload; `data` is None when it was never read."""
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
                **upload_fields(upload, None if data is None else len(data), now),
                "error_type": type(exc).__name__,
                "failed_stage": "ingest",
            },
            reason=f"{exc.reason}: {exc}",
        )
        metrics.UPLOADS.labels(result="rejected").inc()
        metrics.DOCUMENTS.labels(status="failed").inc()

    async def reconcile(self, stale_after: timedelta) -> list[str]:
        """Re-emit uploads whose record is missing, stuck short of a final status, or stored
        without its body.

        Only uploads no record lists are read to find their document; the others are known
        from the listing, and read again only when their document is stuck.
        """
        cutoff = datetime.now(UTC) - stale_after
        uploads = await asyncio.to_thread(self.source.list)
        known = await self.listed([listing_key(upload) for upload in uploads])
        found: list[tuple[Upload, str, dict[str, Any] | None]] = []
        for upload in uploads:
            record = known.get(listing_key(upload))
            if record is None:
                doc_id = record_id(upload, await asyncio.to_thread(self.read, upload))
                record = await self.collection.find_one({"document_id": doc_id})
            else:
                doc_id = record["document_id"]
            found.append((upload, doc_id, record))
        bodiless = await self.stored_without_body(
            [doc_id for _, doc_id, record in found if (record or {}).get("status") == "stored"]
        )
        reemitted = []
        for upload, doc_id, record in found:
            if (stuck(record, cutoff) or doc_id in bodiless) and await self.ingest(
                upload, force=True
            ):
                reemitted.append(doc_id)
        return reemitted

    async def stored_without_body(self, document_ids: list[str]) -> set[str]:
        """Documents said stored whose structured body the database does not have.

        Store writes the body before the status, but a database killed in between may keep
        the status and lose the body: the body was acknowledged by the process that died, the
        status write was retried against the one that replaced it. Such a document is run
        again; store then writes the body and, having published it before, publishes nothing.
        """
        if not document_ids:
            return set()
        bodies = self.collection.database[STRUCTURED_COLLECTION]
        present = {
            body["document_id"]
            async for body in bodies.find(
                {"document_id": {"$in": document_ids}}, {"document_id": 1, "_id": 0}
            )
        }
        return set(document_ids) - present

    async def listed(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The records that list these uploads, by listing key."""
        fields = {"document_id": 1, "status": 1, "status_at": 1, "listed": 1, "_id": 0}
        found: dict[str, dict[str, Any]] = {}
        wanted = set(keys)
        async for record in self.collection.find({"listed": {"$in": keys}}, fields):
            for key in wanted.intersection(record.get("listed", [])):
                found[key] = record
        return found

    async def resend_lost(self) -> list[str]:
        """Re-emit, at once, documents in flight whose uploaded event the broker lost.

        Their later events went with it as a rule (a broker loses its log, not one topic), so
        the document starts again from its PDF; the stages are idempotent. Without this they
        would wait for the stale sweep of `reconcile`.
        """
        records = {
            r["document_id"]: r
            async for r in self.collection.find(
                {
                    "status": {"$nin": list(FINAL)},
                    f"{UPLOADED_MESSAGE}.pipeline_version": PIPELINE_VERSION,
                }
            )
        }
        sent = [s for r in records.values() if (s := Sent.of(r, UPLOADED_MESSAGE)) is not None]
        if not sent:
            return []
        async with TopicProbe(self.transport.settings, topics.UPLOADED) as probe:
            found = await probe.check(sent)
        await record_check(self.collection, UPLOADED_MESSAGE, found)
        resent = []
        for message in found.lost:
            event = reemission(records[message.document_id], utcnow())
            if event is None:
                continue
            token = current_document.set(event.document_id)
            try:
                await self.announce(event, {})
                log.warning("re-emitted: the broker no longer has its uploaded event")
            finally:
                current_document.reset(token)
            resent.append(event.document_id)
        return resent
