import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.ingest.core import UploadRejected, document_id, reemission, validate_upload
from services.ingest.ingestor import listing_key, stuck
from services.ingest.sources import Upload
from shared.sniff import detect_type

MIB = 1024 * 1024


def test_a_pdf_is_accepted_under_its_content_hash() -> None:
    data = b"%PDF-1.7\n" + b"x" * 100
    accepted = validate_upload(data, MIB)
    assert accepted.document_id == hashlib.sha256(data).hexdigest()
    assert accepted.size == len(data)


def test_the_id_is_the_sha256_of_the_bytes() -> None:
    # SHA-256 of the three bytes "abc", from FIPS 180-2, appendix B.1.
    assert document_id(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert document_id(b"%PDF-a") != document_id(b"%PDF-b")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>404</body></html>", "not_pdf"),
        (b"%PDF-" + b"0" * (2 * MIB), "too_large"),
    ],
)
def test_hopeless_uploads_are_rejected_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UploadRejected) as caught:
        validate_upload(data, MIB)
    assert caught.value.reason == reason


def test_the_detected_type_is_named(bad_dir: Path) -> None:
    with pytest.raises(UploadRejected, match="looks like PNG"):
        validate_upload((bad_dir / "png-renamed.pdf").read_bytes(), MIB)
    with pytest.raises(UploadRejected, match="looks like HTML"):
        validate_upload((bad_dir / "not-a-pdf.pdf").read_bytes(), MIB)
    assert detect_type(b"PK\x03\x04rest") == "ZIP (e.g. DOCX/XLSX/ODT)"
    assert detect_type(b" " * 1000 + b"%PDF-1.7") == "PDF"
    assert detect_type(b" " * 1100 + b"%PDF-1.7") == "text"


def test_corpus_pdfs_pass_the_cheap_checks(corpus: Path) -> None:
    for pdf in sorted((corpus / "dev").glob("*.pdf")):
        assert validate_upload(pdf.read_bytes(), 200 * MIB).size > 0


def test_a_document_is_stuck_when_missing_or_not_final_since_the_cutoff() -> None:
    cutoff = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    before, after = cutoff - timedelta(minutes=1), cutoff + timedelta(minutes=1)
    assert stuck(None, cutoff)
    assert stuck({"status": "extracted", "status_at": before}, cutoff)
    assert not stuck({"status": "extracted", "status_at": after}, cutoff)
    assert not stuck({"status": "stored", "status_at": before}, cutoff)
    assert not stuck({"status": "failed", "status_at": before}, cutoff)
    naive = before.replace(tzinfo=None)
    assert stuck({"status": "uploaded", "status_at": naive}, cutoff)


def test_a_file_replaced_under_its_name_is_another_upload() -> None:
    first = Upload("a.pdf", "file:///inbox/a.pdf", "1000:1")
    assert listing_key(first) == listing_key(Upload("a.pdf", "file:///inbox/a.pdf", "1000:1"))
    assert listing_key(first) != listing_key(Upload("a.pdf", "file:///inbox/a.pdf", "1200:2"))
    assert listing_key(first) != listing_key(Upload("b.pdf", "file:///inbox/b.pdf", "1000:1"))


def test_a_lost_upload_is_emitted_again_from_its_record_with_its_first_upload_time() -> None:
    uploaded_at = datetime(2026, 1, 1, tzinfo=UTC)
    now = datetime(2026, 1, 2, tzinfo=UTC)
    record = {
        "document_id": "c" * 64,
        "pipeline_version": "1",
        "uploaded_at": uploaded_at,
        "filename": "begroting.pdf",
        "source": "file:///inbox/begroting.pdf",
        "pdf": {"url": "file:///objects/documents/c.pdf", "size": 12, "sha256": "c" * 64},
    }
    event = reemission(record, now)
    assert event is not None
    assert (event.uploaded_at, event.occurred_at) == (uploaded_at, now)
    assert (event.filename, event.pdf.size) == ("begroting.pdf", 12)
    assert reemission({**record, "pdf": None}, now) is None
