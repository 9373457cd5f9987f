"""Ingest checks an upload's size and kind from its metadata before it reads a byte."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

import pytest

from services.ingest.core import UploadRejected, document_id
from services.ingest.ingestor import Ingestor, unread_id
from services.ingest.sources import BucketSource, InboxSource, Upload
from shared import topics
from shared.broker import Transport
from shared.events import DeadLetter, DocumentUploaded
from shared.settings import CommonSettings
from tests.unit.kafka_fixtures import AcknowledgingTestBroker

LIMIT = 1024 * 1024
PDF = b"%PDF-1.7\n" + b"x" * 100


class Records:
    """The two calls the ingestor makes on the documents collection, without a database."""

    def __init__(self) -> None:
        self.known: dict[str, dict[str, Any]] = {}

    async def find_one(self, query: dict[str, Any]) -> dict[str, Any] | None:
        return self.known.get(query["document_id"])

    async def update_one(self, query: dict[str, Any], update: dict[str, Any], **_: Any) -> None:
        self.known.setdefault(query["document_id"], {}).update(update.get("$set", {}))


class SpyInbox(InboxSource):
    """An inbox that remembers which uploads were read."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.read_names: list[str] = []

    def read(self, upload: Upload, max_bytes: int) -> bytes:
        self.read_names.append(upload.name)
        return super().read(upload, max_bytes)


class Scan:
    def __init__(self, tmp_path: Path) -> None:
        settings = CommonSettings(object_store_url=(tmp_path / "objects").as_uri())
        self.transport = Transport(settings, "ingest")
        self.inbox = SpyInbox(tmp_path / "inbox")
        self.records = Records()
        self.ingestor = Ingestor(self.transport, self.inbox, cast(Any, self.records), LIMIT)
        self.letters: list[DeadLetter] = []
        self.uploaded: list[DocumentUploaded] = []

        @self.transport.broker.subscriber(topics.DLQ)
        async def dlq(letter: DeadLetter) -> None:
            self.letters.append(letter)

        @self.transport.broker.subscriber(topics.UPLOADED)
        async def uploaded(event: DocumentUploaded) -> None:
            self.uploaded.append(event)

    async def run(self) -> int:
        async with AcknowledgingTestBroker(self.transport.broker):
            return await self.ingestor.scan()


@pytest.fixture
def scan(tmp_path: Path) -> Scan:
    return Scan(tmp_path)


async def test_an_oversized_file_is_refused_without_being_read(scan: Scan) -> None:
    big = scan.inbox.root / "huge.pdf"
    big.write_bytes(b"%PDF-1.7\n")
    os.truncate(big, 64 * LIMIT)
    (scan.inbox.root / "fine.pdf").write_bytes(PDF)

    assert await scan.run() == 1

    assert scan.inbox.read_names == ["fine.pdf"]
    [letter] = scan.letters
    assert (letter.stage, letter.reason, letter.error_type) == (
        "ingest",
        "too_large",
        "UploadRejected",
    )
    assert letter.payload is None
    assert str(64 * LIMIT) in letter.message
    [upload] = [u for u in scan.inbox.list() if u.name == "huge.pdf"]
    record = scan.records.known[unread_id(upload)]
    assert (record["status"], record["size"]) == ("failed", None)
    assert record["reason"].startswith("too_large")
    assert [event.document_id for event in scan.uploaded] == [document_id(PDF)]


async def test_a_refusal_is_recorded_once_and_a_replaced_file_looked_at_again(
    scan: Scan,
) -> None:
    big = scan.inbox.root / "huge.pdf"
    big.touch()
    os.truncate(big, 2 * LIMIT)
    await scan.run()
    scan.ingestor.seen.clear()
    await scan.run()
    assert len(scan.letters) == 1

    big.write_bytes(PDF)
    await scan.run()
    assert [event.filename for event in scan.uploaded] == ["huge.pdf"]
    assert scan.inbox.read_names == ["huge.pdf"]


async def test_a_symlink_in_the_inbox_is_refused(scan: Scan, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(PDF)
    (scan.inbox.root / "link.pdf").symlink_to(outside)

    assert await scan.run() == 0

    assert scan.inbox.read_names == []
    assert [(letter.reason, letter.payload) for letter in scan.letters] == [("symlink", None)]
    assert "symbolic link" in scan.letters[0].message
    assert scan.uploaded == []


async def test_a_fifo_in_the_inbox_is_refused_without_blocking(scan: Scan) -> None:
    os.mkfifo(scan.inbox.root / "pipe.pdf")

    assert await scan.run() == 0

    assert [(letter.reason, letter.message) for letter in scan.letters] == [
        ("not_a_file", "pipe.pdf is a FIFO, not a regular file")
    ]


async def test_sub_folders_are_not_uploads(scan: Scan) -> None:
    (scan.inbox.root / "folder.pdf").mkdir()
    assert await scan.run() == 0
    assert scan.letters == []


def test_a_symlink_swapped_in_after_the_check_is_not_followed(tmp_path: Path) -> None:
    inbox = InboxSource(tmp_path / "inbox")
    (tmp_path / "elsewhere.pdf").write_bytes(PDF)
    (inbox.root / "a.pdf").write_bytes(PDF)
    [upload] = inbox.list()
    assert inbox.size(upload) == len(PDF)
    (inbox.root / "a.pdf").unlink()
    (inbox.root / "a.pdf").symlink_to(tmp_path / "elsewhere.pdf")
    with pytest.raises(UploadRejected) as caught:
        inbox.read(upload, LIMIT)
    assert caught.value.reason == "symlink"


def test_a_file_that_grew_past_the_limit_is_read_no_further(tmp_path: Path) -> None:
    inbox = InboxSource(tmp_path)
    (tmp_path / "a.pdf").write_bytes(b"%PDF-" + b"0" * (2 * LIMIT))
    [upload] = inbox.list()
    assert len(inbox.read(upload, LIMIT)) == LIMIT + 1


class FakeBucket:
    """HEAD and GET of one object; records whether its body was fetched."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.fetched = False

    def head_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:
        return {"ContentLength": self.size}

    def get_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:
        self.fetched = True
        raise AssertionError("the body of an oversized object must not be fetched")


def test_an_oversized_bucket_object_is_refused_on_its_head(tmp_path: Path) -> None:
    client = FakeBucket(size=64 * LIMIT)
    source = BucketSource(client, "uploads", "in/")
    settings = CommonSettings(object_store_url=(tmp_path / "objects").as_uri())
    ingestor = Ingestor(Transport(settings, "ingest"), source, cast(Any, Records()), LIMIT)
    refused = ingestor.read(Upload("big.pdf", "s3://uploads/in/big.pdf", "etag"))
    assert isinstance(refused, UploadRejected)
    assert refused.reason == "too_large"
    assert not client.fetched
