"""Publishing the structured event, recording where it landed, and sending it again when the
broker lost it.

Consumers of the structured topic may read it from the beginning to build their own copy, so
a broker that lost data must get back every stored document's event, not only those still in
flight. Store records each landing (`shared/sent.py`); a periodic check asks the topic for
them and publishes from MongoDB what is gone.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from pymongo.asynchronous.collection import AsyncCollection

from services.store.core import republication, unpublished_due
from shared import topics
from shared.broker import Transport
from shared.documents import StructuredDocument
from shared.events import DocumentStructured, ObjectRef, utcnow
from shared.logs import current_document
from shared.objectstore import aget
from shared.probe import TopicProbe
from shared.sent import Check, Sent
from shared.status import STRUCTURED_MESSAGE, record_check, record_sent
from shared.version import PIPELINE_VERSION

log = logging.getLogger("pcflow.store")


class Publisher:
    def __init__(
        self,
        transport: Transport,
        collection: AsyncCollection[dict[str, Any]],
        bodies: AsyncCollection[dict[str, Any]],
        stale_after: timedelta,
    ) -> None:
        self.transport = transport
        self.collection = collection
        self.bodies = bodies
        self.stale_after = stale_after

    async def publish(self, event: DocumentStructured) -> None:
        landed = await self.transport.publish(topics.STRUCTURED, event, subject=event.document_id)
        sent = Sent.landed(event.document_id, event.pipeline_version, landed)
        await record_sent(self.collection, event.document_id, STRUCTURED_MESSAGE, sent)

    async def document(self, document_id: str) -> StructuredDocument:
        """The stored body, inline or from the object store."""
        body = await self.bodies.find_one({"document_id": document_id})
        if body is None:
            raise LookupError(f"no structured document stored for {document_id}")
        if body.get("document") is None:
            data = await aget(self.transport.store, ObjectRef.model_validate(body["document_ref"]))
            return StructuredDocument.model_validate(json.loads(data))
        return StructuredDocument.model_validate(body["document"])

    async def resend_lost(self, *, database_restarted: bool = False) -> list[str]:
        """Publish again the stored documents whose event the broker no longer has, and those
        that were stored but never published (see `unpublished_due`; a database that
        restarted may have lost the note that a document was published)."""
        now = utcnow()
        published = {
            r["document_id"]: r
            async for r in self.collection.find(
                {"status": "stored", STRUCTURED_MESSAGE: {"$exists": True}}
            )
        }
        sent = [s for r in published.values() if (s := Sent.of(r, STRUCTURED_MESSAGE))]
        found = Check()
        if sent:
            async with TopicProbe(self.transport.settings, topics.STRUCTURED) as probe:
                found = await probe.check(sent)
        await record_check(self.collection, STRUCTURED_MESSAGE, found)
        unpublished = [
            r
            async for r in self.collection.find(
                {
                    "status": "stored",
                    "pipeline_version": PIPELINE_VERSION,
                    f"{STRUCTURED_MESSAGE}.pipeline_version": {"$ne": PIPELINE_VERSION},
                }
            )
        ]
        due = unpublished_due(
            unpublished,
            now=now,
            stale_after=self.stale_after,
            input_lost=bool(found.lost) or database_restarted,
        )
        records = {**published, **{r["document_id"]: r for r in unpublished}}
        resent = []
        for document_id in dict.fromkeys([*(m.document_id for m in found.lost), *due]):
            token = current_document.set(document_id)
            try:
                event = republication(records[document_id], await self.document(document_id))
                await self.publish(event)
                log.warning("published again: the broker did not have the structured event")
                resent.append(document_id)
            except (LookupError, ValidationError):
                # one document that cannot be rebuilt must not hold back all the others
                log.exception("could not publish again")
            finally:
                current_document.reset(token)
        return resent
