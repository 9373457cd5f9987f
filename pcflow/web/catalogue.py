"""What the web reads: status records and structured documents in MongoDB, source PDFs in the
object store. The same collections and keys the services write; the web never writes them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from pymongo import DESCENDING, AsyncMongoClient

from pcflow.records import document_body
from services.ingest.core import source_key
from shared.documents import StructuredDocument
from shared.events import ObjectRef
from shared.objectstore import ObjectStore, aget
from shared.status import documents, structured

Record = dict[str, Any]


class Catalogue:
    def __init__(self, client: AsyncMongoClient[Record], database: str, store: ObjectStore) -> None:
        self.records_collection = documents(client, database)
        self.structured_collection = structured(client, database)
        self.store = store

    async def ping(self) -> None:
        await self.records_collection.database.command("ping")

    async def records(self, limit: int) -> list[Record]:
        """The most recently moved documents first: what is in flight is at the top."""
        cursor = self.records_collection.find(
            {}, {"_id": 0}, sort=[("status_at", DESCENDING)], limit=limit
        )
        return [record async for record in cursor]

    async def record(self, document_id: str) -> Record | None:
        return await self.records_collection.find_one({"document_id": document_id}, {"_id": 0})

    async def _parse(self, body: Record) -> StructuredDocument:
        raw = await asyncio.to_thread(document_body, self.store, body)
        return StructuredDocument.model_validate(raw)

    async def document(self, document_id: str) -> StructuredDocument | None:
        body = await self.structured_collection.find_one({"document_id": document_id})
        return None if body is None else await self._parse(body)

    async def stored(self, document_ids: Sequence[str]) -> list[StructuredDocument]:
        """The structured documents of `document_ids`, in that order; when none is named,
        every stored one, by municipality and year."""
        query = {"document_id": {"$in": list(document_ids)}} if document_ids else {}
        found = [await self._parse(body) async for body in self.structured_collection.find(query)]
        if not document_ids:
            return sorted(found, key=lambda d: (d.info.municipality, d.info.year or 0, d.filename))
        by_id = {doc.document_id: doc for doc in found}
        return [by_id[doc_id] for doc_id in document_ids if doc_id in by_id]

    async def source_pdf(self, record: Record) -> bytes:
        """The uploaded PDF, checked against its size and its id, which is its SHA-256."""
        document_id = record["document_id"]
        ref = ObjectRef(
            url=self.store.url(source_key(document_id)), size=record["size"], sha256=document_id
        )
        return await aget(self.store, ref)
