"""`pcflow web`'s API and pages over a real MongoDB-wire server and object store, with records
written the way ingest and store write them."""

from __future__ import annotations

import asyncio
import hashlib
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pydantic import SecretStr
from pymongo import AsyncMongoClient

from pcflow.stack import Stack
from pcflow.web.app import create_app
from services.ingest.core import source_key
from services.store.core import document_fields, structured_record
from shared.documents import (
    Amount,
    Check,
    ClassifiedTable,
    DocumentInfo,
    FinancialLine,
    Paragraph,
    StructuredDocument,
)
from shared.events import DocumentClassified
from shared.objectstore import open_store
from shared.settings import WebSettings
from shared.status import record_stage

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "sample-begroting-2025.pdf"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _document(doc_id: str, municipality: str, lasten: float) -> StructuredDocument:
    return StructuredDocument(
        document_id=doc_id,
        filename=f"{municipality.lower()}.pdf",
        pipeline_version="test",
        info=DocumentInfo(municipality=municipality, document_type="begroting", year=2025),
        page_count=2,
        paragraphs=[
            Paragraph(
                text="Wij openen twee nieuwe buurthuizen.",
                label="activiteit",
                confidence=0.91,
                evidence="heading 'Wat gaan we doen?'",
                page=1,
            ),
            Paragraph(
                text="Zie de bijlage.",
                label="overig",
                confidence=0.42,
                needs_review=True,
                evidence="prior",
                page=2,
            ),
        ],
        tables=[
            ClassifiedTable(
                page=2,
                kind="financial",
                caption="Lasten per taakveld",
                header_rows=1,
                rows=[["Taakveld", "Begroting 2025"], ["6.1 Samenkracht", "1.000"]],
                checks=[Check(name="total: Totaal", passed=False, detail="off by 3")],
            )
        ],
        financial_lines=[
            FinancialLine(
                label="6.1 Samenkracht",
                taakveld="6.1",
                taakveld_name="Samenkracht en burgerparticipatie",
                page=2,
                table=0,
                row=1,
                amounts=[
                    Amount(
                        printed="1.000",
                        value_eur=lasten,
                        column="Begroting 2025",
                        kind="begroting",
                        year=2025,
                        column_index=1,
                    )
                ],
            )
        ],
    )


async def _write_records(stack: Stack, database: str, pdf: bytes) -> dict[str, str]:
    """Two stored documents (one with its source PDF) and one refused upload."""
    stored = {"Ommen": hashlib.sha256(pdf).hexdigest(), "Elders": "e" * 64}
    failed = "f" * 64
    store = open_store((stack.settings.var_dir.resolve() / "objects").as_uri())
    store.put(source_key(stored["Ommen"]), pdf)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value()
    )
    try:
        records = client[database].documents
        for minutes, (municipality, doc_id) in enumerate(stored.items()):
            event = DocumentClassified(
                document_id=doc_id,
                filename=f"{municipality.lower()}.pdf",
                pipeline_version="test",
                uploaded_at=T0,
                occurred_at=T0,
                document=_document(doc_id, municipality, 1000.0 * (minutes + 1)),
            )
            await client[database].structured.insert_one(structured_record(event))
            await record_stage(
                records,
                doc_id,
                "stored",
                T0 + timedelta(minutes=minutes),
                fields={**document_fields(event), "size": len(pdf)},
            )
        await record_stage(
            records,
            failed,
            "failed",
            T0 + timedelta(minutes=5),
            fields={"filename": "notes.pdf", "failed_stage": "ingest"},
            reason="not_pdf: not a PDF: no %PDF header; looks like text",
        )
    finally:
        await client.close()
    return {**stored, "failed": failed}


@pytest.fixture(scope="module")
def web(infra: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    database = f"web_{uuid.uuid4().hex[:8]}"
    ids = asyncio.run(_write_records(infra, database, SAMPLE.read_bytes()))
    settings = WebSettings(
        mongo_url=infra.settings.mongo_url,
        mongo_database=database,
        object_store_url=(infra.settings.var_dir.resolve() / "objects").as_uri(),
        inbox_dir=tmp_path_factory.mktemp("web-inbox"),
        max_upload_bytes=SAMPLE.stat().st_size + 10,
    )
    with TestClient(create_app(settings)) as client:
        yield {"client": client, "ids": ids, "settings": settings}
    asyncio.run(_drop(infra, database))


async def _drop(stack: Stack, database: str) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.settings.mongo_url.get_secret_value()
    )
    await client.drop_database(database)
    await client.close()


def test_documents_are_listed_newest_first_with_the_reason_of_a_failure(
    web: dict[str, Any],
) -> None:
    rows = web["client"].get("/api/documents").json()
    ids = web["ids"]
    assert [row["document_id"] for row in rows] == [ids["failed"], ids["Elders"], ids["Ommen"]]
    assert rows[0]["status"] == "failed"
    assert rows[0]["reason"].startswith("not_pdf")
    assert rows[2]["municipality"] == "Ommen"
    assert rows[2]["needs_review"] == 1


def test_a_document_comes_with_its_structured_body(web: dict[str, Any]) -> None:
    client, ids = web["client"], web["ids"]
    detail = client.get(f"/api/documents/{ids['Ommen']}").json()
    assert detail["row"]["status"] == "stored"
    assert detail["document"]["financial_lines"][0]["taakveld"] == "6.1"
    failed = client.get(f"/api/documents/{ids['failed']}").json()
    assert failed["document"] is None
    assert client.get(f"/api/documents/{'0' * 64}").status_code == 404


def test_the_document_page_shows_labels_review_flags_taakvelden_and_checks(
    web: dict[str, Any],
) -> None:
    html = web["client"].get(f"/documents/{web['ids']['Ommen']}").text
    assert 'class="paragraph label-activiteit"' in html
    assert 'class="paragraph label-overig review"' in html
    assert "p=0.91" in html
    assert '<td class="taakveld" title="Samenkracht en burgerparticipatie">6.1</td>' in html
    assert '<li class="failed">✗ total: Totaal' in html
    assert "a check failed" in html
    assert f"/documents/{web['ids']['Ommen']}/source.pdf#page=2" in html


def test_the_source_pdf_is_served_as_uploaded(web: dict[str, Any]) -> None:
    client, ids = web["client"], web["ids"]
    response = client.get(f"/documents/{ids['Ommen']}/source.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.content == SAMPLE.read_bytes()
    assert client.get(f"/documents/{ids['failed']}/source.pdf").status_code == 404


def test_an_upload_lands_in_the_inbox_under_its_own_name(web: dict[str, Any]) -> None:
    client, inbox = web["client"], web["settings"].inbox_dir
    response = client.post(
        "/api/documents",
        files={"file": ("../../etc/.begroting.pdf", SAMPLE.read_bytes(), "application/pdf")},
    )
    assert response.status_code == 202
    assert response.json()["document_id"] == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert (inbox / "begroting.pdf").read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize(
    ("content", "status", "reason"),
    [
        (b"<html><body>no</body></html>", 400, "not_pdf"),
        (b"", 400, "empty"),
        (b"%PDF-1.7\n" + b"0" * 10_000_000, 413, "too_large"),
    ],
)
def test_an_upload_ingest_would_refuse_is_refused_at_once(
    web: dict[str, Any], content: bytes, status: int, reason: str
) -> None:
    client, inbox = web["client"], web["settings"].inbox_dir
    before = set(inbox.iterdir())
    response = client.post("/api/documents", files={"file": ("x.pdf", content)})
    assert response.status_code == status
    assert response.json()["detail"].startswith(reason)
    form = client.post("/upload", files={"file": ("x.pdf", content)})
    assert form.status_code == status
    assert 'id="upload-error"' in form.text
    assert set(inbox.iterdir()) == before


def test_the_form_redirects_to_the_documents_page(web: dict[str, Any]) -> None:
    response = web["client"].post(
        "/upload", files={"file": ("form.pdf", SAMPLE.read_bytes())}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("/?uploaded=form.pdf")


def test_the_comparison_puts_the_selected_documents_side_by_side(web: dict[str, Any]) -> None:
    client, ids = web["client"], web["ids"]
    query = {"document": [ids["Ommen"], ids["Elders"]], "measure": "lasten"}
    comparison = client.get("/api/compare", params=query).json()
    assert [d["title"] for d in comparison["documents"]] == [
        "Ommen begroting 2025",
        "Elders begroting 2025",
    ]
    assert comparison["rows"] == [
        {
            "taakveld": "6.1",
            "name": "Samenkracht en burgerparticipatie",
            "amounts": [1000.0, 2000.0],
        }
    ]
    page = client.get("/compare", params=query)
    assert page.status_code == 200, page.text
    assert '<td class="number">2.000</td>' in page.text
    chart = client.get("/compare.svg", params=query)
    assert chart.headers["content-type"] == "image/svg+xml"
    assert "Elders begroting 2025" in chart.text
    assert client.get("/api/compare", params={"measure": "saldo"}).status_code == 422
    everything = client.get("/api/compare").json()["documents"]
    assert [d["title"] for d in everything] == ["Elders begroting 2025", "Ommen begroting 2025"]
    assert "Elders begroting 2025" in client.get("/compare").text


def test_the_export_holds_only_the_selected_documents(web: dict[str, Any]) -> None:
    response = web["client"].get(
        "/api/export", params={"document": web["ids"]["Elders"], "format": "xlsx"}
    )
    assert response.headers["content-disposition"] == 'attachment; filename="pcflow-export.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["financial_lines"]
    header, *rows = sheet.iter_rows(values_only=True)
    assert [row[header.index("municipality")] for row in rows] == ["Elders"]
    assert rows[0][header.index("amount_eur")] == 2000.0


def test_the_openapi_document_describes_the_api(web: dict[str, Any]) -> None:
    paths = web["client"].get("/openapi.json").json()["paths"]
    assert {"/api/documents", "/api/documents/{document_id}", "/api/compare", "/api/export"} <= set(
        paths
    )
    assert "/" not in paths


def test_with_a_password_nothing_is_shown_without_it(web: dict[str, Any]) -> None:
    settings = web["settings"].model_copy(update={"web_password": SecretStr("s3cret")})
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/documents").status_code == 401
        assert client.get("/", auth=("pcflow", "wrong")).status_code == 401
        assert client.get("/openapi.json").status_code == 401
        assert client.get("/api/documents", auth=("pcflow", "s3cret")).status_code == 200
        assert client.get("/health").json() == {"status": "ok"}
