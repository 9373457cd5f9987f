"""What the web shows of records, documents and uploads, without a server."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from pcflow.export import Filters, build_export
from pcflow.stack import StackSettings
from pcflow.web.chart import comparison_svg
from pcflow.web.comparison import ComparedDocument, Comparison, ComparisonRow
from pcflow.web.downloads import export_download
from pcflow.web.uploads import InboxTarget, accept, safe_name
from pcflow.web.views import document_page, document_row, euros
from services.ingest.core import UploadRejected
from shared.documents import (
    Amount,
    Check,
    ClassifiedTable,
    FinancialLine,
    Paragraph,
    StructuredDocument,
)
from shared.settings import WebSettings


def _document() -> StructuredDocument:
    return StructuredDocument(
        document_id="d" * 64,
        pipeline_version="1",
        page_count=3,
        paragraphs=[
            Paragraph(
                text="a", label="resultaat", confidence=0.4, needs_review=True, evidence="", page=1
            ),
            Paragraph(text="b", label="overig", confidence=0.9, evidence="", page=2),
        ],
        tables=[
            ClassifiedTable(page=1, kind="text", rows=[["Activiteit", "Resultaat"]]),
            ClassifiedTable(
                page=3,
                kind="financial",
                header_rows=1,
                rows=[
                    ["Taakveld", "Lasten"],
                    ["Lasten", ""],
                    ["6.1 Samenkracht", "1.000"],
                    ["Totaal", "1.000"],
                ],
                checks=[Check(name="total", passed=True), Check(name="saldo", passed=False)],
            ),
        ],
        financial_lines=[
            FinancialLine(
                label="6.1 Samenkracht",
                taakveld="6.1",
                taakveld_name="Samenkracht en burgerparticipatie",
                page=3,
                table=1,
                row=2,
                amounts=[Amount(printed="1.000", value_eur=1_000_000, measure="lasten")],
            ),
            FinancialLine(label="Totaal", page=3, table=1, row=3, total=True),
        ],
    )


def test_a_record_before_classify_is_listed_without_facts() -> None:
    at = datetime(2025, 1, 2, 3, 4, 5, 678, tzinfo=UTC)
    row = document_row({"document_id": "x", "status": "uploaded", "status_at": at, "reason": None})
    assert (row.status, row.status_at, row.reason, row.paragraphs) == (
        "uploaded",
        "2025-01-02T03:04:05+00:00",
        "",
        0,
    )


def test_only_financial_tables_are_shown_with_the_taakveld_of_each_printed_row() -> None:
    page = document_page({"document_id": "d" * 64, "status": "stored"}, _document())
    assert [table.index for table in page.financial_tables] == [1]
    table = page.financial_tables[0]
    assert [row.header for row in table.rows] == [True, False, False, False]
    assert [row.taakveld for row in table.rows] == [None, None, "6.1", None]
    assert table.rows[3].total
    assert table.passed is False
    assert page.needs_review == 1


def test_a_document_not_stored_yet_has_a_page_without_tables() -> None:
    page = document_page({"document_id": "x", "status": "extracted"}, None)
    assert page.document is None
    assert page.financial_tables == []


def test_amounts_read_as_printed_in_dutch() -> None:
    assert euros(-1234567.4) == "-1.234.567"
    assert euros(None) == ""


def test_the_chart_draws_a_bar_only_where_a_document_prints_the_taakveld() -> None:
    def comparison(amounts: list[float | None]) -> Comparison:
        documents = [
            ComparedDocument(
                document_id=n, title=f"Gemeente {n}", column="Rekening", page=1, caption=""
            )
            for n in "AB"
        ]
        return Comparison(
            measure="lasten",
            documents=documents,
            rows=[ComparisonRow(taakveld="6.1", name="Samenkracht", amounts=amounts)],
            totals=[],
            without=[],
        )

    full = comparison_svg(comparison([1e6, 2e6]))
    half = comparison_svg(comparison([1e6, None]))
    assert full.startswith("<?xml") and "<svg" in full
    assert "Gemeente B (Rekening)" in full
    assert "6.1 Samenkracht" in full
    assert full.count('id="patch_') == half.count('id="patch_') + 1


def test_csv_and_parquet_downloads_are_zipped_tables() -> None:
    export = build_export([_document()], Filters())
    download = export_download(export, "csv")
    assert download.filename == "pcflow-export-csv.zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert sorted(archive.namelist()) == ["financial_lines.csv", "paragraphs.csv"]
        assert "1000000" in archive.read("financial_lines.csv").decode()
    assert export_download(export, "xlsx").filename == "pcflow-export.xlsx"


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("begroting.pdf", "begroting.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\jaarverslag.pdf", "jaarverslag.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("half.pdf.part", "upload.pdf"),
        ("", "upload.pdf"),
        (None, "upload.pdf"),
    ],
)
def test_an_upload_keeps_its_own_name_but_never_a_folder_or_a_name_ingest_skips(
    given: str | None, name: str
) -> None:
    assert safe_name(given) == name


def test_the_inbox_sees_an_upload_only_whole(tmp_path: Path) -> None:
    InboxTarget(tmp_path / "inbox").put("a.pdf", b"%PDF-1.7 x")
    assert [p.name for p in (tmp_path / "inbox").iterdir()] == ["a.pdf"]


def test_an_announced_size_over_the_limit_is_refused_before_the_bytes_are_read() -> None:
    with pytest.raises(UploadRejected) as refused:
        accept(b"%PDF-1.7", size=11, max_bytes=10)
    assert refused.value.reason == "too_large"
    assert accept(b"%PDF-1.7", size=None, max_bytes=10).size == 8


def test_a_web_server_other_machines_reach_needs_a_password() -> None:
    with pytest.raises(ValidationError, match="PCFLOW_WEB_PASSWORD"):
        WebSettings(web_host="0.0.0.0")
    assert WebSettings(web_host="0.0.0.0", web_password=SecretStr("x")).web_host == "0.0.0.0"


def test_the_embedded_web_puts_uploads_where_ingest_reads_and_listens_locally() -> None:
    settings = StackSettings(web_port=18080)
    web, ingest = settings.web_env(), settings.service_env("ingest")
    for name in ("PCFLOW_INBOX_DIR", "PCFLOW_MONGO_URL", "PCFLOW_OBJECT_STORE_URL"):
        assert web[name] == ingest[name]
    assert (web["PCFLOW_WEB_HOST"], web["PCFLOW_WEB_PORT"]) == ("127.0.0.1", "18080")
