"""`pcflow export` reads what store wrote: records on a real MongoDB-wire server, inline and by
reference to the object store."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient

from pcflow.export import Export, Filters
from pcflow.records import stored_documents
from pcflow.settings import tool_settings
from pcflow.stack import Stack
from services.store.core import by_reference, structured_record
from shared.documents import (
    Amount,
    ClassifiedTable,
    DocumentInfo,
    FinancialLine,
    StructuredDocument,
)
from shared.events import DocumentClassified
from shared.objectstore import open_store


def _classified(document_id: str, municipality: str) -> DocumentClassified:
    document = StructuredDocument(
        document_id=document_id,
        pipeline_version="test",
        info=DocumentInfo(municipality=municipality, document_type="begroting", year=2025),
        page_count=1,
        tables=[ClassifiedTable(page=1, kind="financial", rows=[["6.3", "1.000"]])],
        financial_lines=[
            FinancialLine(
                label="6.3 Inkomensregelingen",
                taakveld="6.3",
                page=1,
                table=0,
                amounts=[Amount(printed="1.000", value_eur=1000.0, measure="lasten")],
            )
        ],
    )
    now = datetime.now(UTC)
    return DocumentClassified(
        document_id=document_id,
        filename="x.pdf",
        pipeline_version="test",
        uploaded_at=now,
        occurred_at=now,
        document=document,
    )


async def test_export_reads_inline_and_referenced_documents(infra: Stack) -> None:
    database = f"test_{uuid.uuid4().hex[:8]}"
    inline = structured_record(_classified("a" * 64, "Ommen"))
    event = _classified("b" * 64, "Ommen")
    store = open_store((infra.settings.var_dir.resolve() / "objects").as_uri())
    ref = store.put(
        f"structured/{event.document_id}.json",
        json.dumps(event.document.model_dump(mode="json")).encode(),
    )
    referenced = by_reference(structured_record(event), ref)
    other = structured_record(_classified("c" * 64, "Elders"))
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        infra.settings.mongo_url.get_secret_value()
    )
    try:
        await client[database].structured.insert_many([inline, referenced, other])
        export = Export()
        async for doc in stored_documents(tool_settings(infra.settings), database):
            export.add(doc, Filters(municipality="Ommen"))
    finally:
        await client.drop_database(database)
        await client.close()
    assert [row["document_id"] for row in export.financial_lines] == ["a" * 64, "b" * 64]
    assert {row["amount_eur"] for row in export.financial_lines} == {1000.0}
