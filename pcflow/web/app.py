"""`pcflow web`: pages and a JSON API over the stored documents, and an upload form.

Routes only fetch, call a function of `views`, `comparison`, `chart` or `downloads`, and
render. FastAPI publishes the API's OpenAPI document at /openapi.json; its interactive pages are
off, because they load their scripts from the internet. With a password set, every route asks
for it; only /health and the stylesheet and script under /static, which hold no data, do not.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from pcflow.export import FORMATS, Filters, Format, build_export
from pcflow.web.catalogue import Catalogue
from pcflow.web.chart import comparison_svg
from pcflow.web.comparison import Comparison, Measure, compare
from pcflow.web.downloads import export_download
from pcflow.web.uploads import accept, safe_name, upload_target
from pcflow.web.views import DocumentRow, document_page, document_row, euros
from services.ingest.core import UploadRejected
from shared.documents import StructuredDocument
from shared.objectstore import open_store
from shared.settings import WebSettings

HERE = Path(__file__).resolve().parent
LISTED_DOCUMENTS = 200

Documents = Annotated[
    list[str],
    Query(alias="document", default_factory=list, description="document ids; none: all"),
]


class UploadAccepted(BaseModel):
    document_id: str
    filename: str
    size: int


class DocumentDetail(BaseModel):
    row: DocumentRow
    document: StructuredDocument | None


def catalogue(request: Request) -> Catalogue:
    found: Catalogue = request.app.state.catalogue
    return found


Store = Annotated[Catalogue, Depends(catalogue)]


def basic_auth(username: str, password: str) -> Callable[[HTTPBasicCredentials], None]:
    def check(credentials: Annotated[HTTPBasicCredentials, Depends(HTTPBasic())]) -> None:
        user_ok = secrets.compare_digest(credentials.username.encode(), username.encode())
        password_ok = secrets.compare_digest(credentials.password.encode(), password.encode())
        if not (user_ok and password_ok):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, headers={"WWW-Authenticate": 'Basic realm="pcflow"'}
            )

    return check


def rejection_status(error: UploadRejected) -> int:
    return (
        status.HTTP_413_CONTENT_TOO_LARGE
        if error.reason == "too_large"
        else status.HTTP_400_BAD_REQUEST
    )


def create_app(settings: WebSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            settings.mongo_url.get_secret_value(), tz_aware=True, serverSelectionTimeoutMS=5000
        )
        store = open_store(settings.object_store_url, settings.s3_endpoint_url)
        app.state.catalogue = Catalogue(client, settings.mongo_database, store)
        try:
            yield
        finally:
            await client.close()

    password = settings.web_password
    app = FastAPI(
        title="pcflow",
        summary="Structured documents from Dutch municipal P&C reports",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    routes = APIRouter(
        dependencies=[]
        if password is None
        else [Depends(basic_auth(settings.web_username, password.get_secret_value()))]
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["euros"] = euros
    target = upload_target(settings, settings.s3_endpoint_url)

    async def receive(file: UploadFile) -> UploadAccepted:
        data = await file.read(settings.max_upload_bytes + 1)
        accepted = accept(data, file.size, settings.max_upload_bytes)
        name = safe_name(file.filename)
        await asyncio.to_thread(target.put, name, data)
        return UploadAccepted(document_id=accepted.document_id, filename=name, size=accepted.size)

    async def document_rows(store: Catalogue) -> list[DocumentRow]:
        return [document_row(record) for record in await store.records(LISTED_DOCUMENTS)]

    def documents_page(
        request: Request, rows: list[DocumentRow], notice: str, error: str, code: int
    ) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            "documents.html",
            {
                "rows": rows,
                "notice": notice,
                "error": error,
                "max_bytes": settings.max_upload_bytes,
            },
            status_code=code,
        )

    @routes.get("/openapi.json", include_in_schema=False)
    async def openapi() -> dict[str, Any]:
        """Served by a route, not by FastAPI itself, so authentication covers it too."""
        return app.openapi()

    @routes.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def documents_html(request: Request, store: Store, uploaded: str = "") -> HTMLResponse:
        notice = f"{uploaded} was put in the upload inbox" if uploaded else ""
        return documents_page(request, await document_rows(store), notice, "", status.HTTP_200_OK)

    @routes.post("/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload_form(request: Request, store: Store, file: UploadFile) -> Response:
        try:
            accepted = await receive(file)
        except UploadRejected as error:
            rows = await document_rows(store)
            return documents_page(request, rows, "", str(error), rejection_status(error))
        return RedirectResponse(
            request.url_for("documents_html").include_query_params(uploaded=accepted.filename),
            status_code=status.HTTP_303_SEE_OTHER,
        )

    @routes.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    async def document_html(request: Request, store: Store, document_id: str) -> HTMLResponse:
        record = await store.record(document_id)
        if record is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document {document_id}")
        page = document_page(record, await store.document(document_id))
        return templates.TemplateResponse(request, "document.html", {"page": page})

    @routes.get("/documents/{document_id}/source.pdf", tags=["documents"])
    async def source_pdf(store: Store, document_id: str) -> Response:
        """The uploaded PDF; append #page=N to open it at a page."""
        record = await store.record(document_id)
        if record is None or not record.get("size") or record.get("failed_stage") == "ingest":
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no stored PDF for {document_id}")
        return Response(
            await store.source_pdf(record),
            media_type="application/pdf",
            headers={"Content-Disposition": "inline"},
        )

    @routes.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_html(
        request: Request, store: Store, documents: Documents, measure: Measure = "lasten"
    ) -> HTMLResponse:
        rows = [row for row in await document_rows(store) if row.status == "stored"]
        chosen = await store.stored(documents)
        return templates.TemplateResponse(
            request,
            "compare.html",
            {
                "comparison": compare(chosen, measure),
                "stored": sorted(rows, key=lambda r: (r.municipality, r.year or 0, r.filename)),
                "selected": {doc.document_id for doc in chosen},
                "query": request.url.query,
                "formats": FORMATS,
            },
        )

    @routes.get("/compare.svg", tags=["comparison"])
    async def compare_chart(
        store: Store, documents: Documents, measure: Measure = "lasten"
    ) -> Response:
        """The comparison as a bar chart."""
        comparison = compare(await store.stored(documents), measure)
        svg = await asyncio.to_thread(comparison_svg, comparison)
        return Response(svg, media_type="image/svg+xml")

    @routes.get("/api/documents", tags=["documents"])
    async def list_documents(store: Store) -> list[DocumentRow]:
        """Documents, the most recently moved first, with status and failure reason."""
        return await document_rows(store)

    @routes.post("/api/documents", status_code=status.HTTP_202_ACCEPTED, tags=["documents"])
    async def upload_document(file: UploadFile) -> UploadAccepted:
        """Put a PDF where ingest takes uploads from, after ingest's size and type checks."""
        try:
            return await receive(file)
        except UploadRejected as error:
            raise HTTPException(rejection_status(error), f"{error.reason}: {error}") from error

    @routes.get("/api/documents/{document_id}", tags=["documents"])
    async def get_document(store: Store, document_id: str) -> DocumentDetail:
        """A document's status and, once stored, its structured document."""
        record = await store.record(document_id)
        if record is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document {document_id}")
        return DocumentDetail(row=document_row(record), document=await store.document(document_id))

    @routes.get("/api/compare", tags=["comparison"])
    async def compare_json(
        store: Store, documents: Documents, measure: Measure = "lasten"
    ) -> Comparison:
        """`measure` per taakveld, one column per document, with the printed column compared."""
        return compare(await store.stored(documents), measure)

    @routes.get("/api/export", tags=["comparison"])
    async def export(store: Store, documents: Documents, format: Format = "xlsx") -> Response:
        """The documents as the tidy tables of `pcflow export`: a workbook, or CSV or Parquet
        files zipped."""
        export = build_export(await store.stored(documents), Filters())
        download = await asyncio.to_thread(export_download, export, format)
        return Response(
            download.content,
            media_type=download.media_type,
            headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
        )

    @app.get("/health", include_in_schema=False)
    async def health(store: Store) -> dict[str, str]:
        """For container health checks, without credentials: says only whether the database
        answers."""
        try:
            await store.ping()
        except PyMongoError as error:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "database") from error
        return {"status": "ok"}

    app.include_router(routes)
    return app


def serve(settings: WebSettings) -> None:
    """Without an access log: an open documents page asks every 2 s, and the log would be
    little else."""
    uvicorn.run(
        create_app(settings),
        host=settings.web_host,
        port=settings.web_port,
        log_level=settings.log_level.lower(),
        access_log=False,
    )
