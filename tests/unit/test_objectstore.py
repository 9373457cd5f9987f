"""The object store reads only its own objects, and only when they are what the reference says."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from shared.errors import ObjectMismatch, OutsideStore, PermanentError
from shared.events import ObjectRef
from shared.objectstore import LocalStore, S3Store


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "objects")


def test_an_object_reads_back_through_its_reference(store: LocalStore) -> None:
    ref = store.put("documents/a.pdf", b"%PDF-1.7 a")
    assert store.get(ref) == b"%PDF-1.7 a"


def test_a_root_whose_name_needs_escaping_in_a_url_still_reads(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "my objects %41")
    ref = store.put("documents/a.pdf", b"%PDF-1.7 a")
    assert store.get(ref) == b"%PDF-1.7 a"


def test_a_reference_to_a_host_file_is_refused(store: LocalStore) -> None:
    with pytest.raises(OutsideStore) as caught:
        store.get(ObjectRef(url="file:///etc/passwd", size=10))
    assert isinstance(caught.value, PermanentError)
    assert caught.value.reason == "outside_store"


@pytest.mark.parametrize(
    "url",
    [
        "s3://bucket/documents/a.pdf",
        "http://example.org/a.pdf",
        "file://otherhost/etc/passwd",
        "file:///etc/passwd%00.pdf",
    ],
)
def test_a_reference_that_is_no_local_file_is_refused(store: LocalStore, url: str) -> None:
    with pytest.raises(OutsideStore):
        store.get(ObjectRef(url=url, size=10))


def test_a_dot_dot_escape_is_refused(store: LocalStore, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_bytes(b"secret")
    for escape in ("documents/../../secret.txt", "documents/%2e%2e/%2e%2e/secret.txt"):
        url = f"{store.root.as_uri()}/{escape}"
        with pytest.raises(OutsideStore):
            store.get(ObjectRef(url=url, size=6))


def test_a_dot_dot_that_stays_inside_is_followed(store: LocalStore) -> None:
    ref = store.put("documents/a.pdf", b"%PDF-1.7 a")
    url = f"{store.root.as_uri()}/claims/../documents/a.pdf"
    assert store.get(ref.model_copy(update={"url": url})) == b"%PDF-1.7 a"


def test_a_symlink_pointing_outside_is_refused(store: LocalStore, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_bytes(b"secret")
    store.root.mkdir(parents=True)
    (store.root / "link.pdf").symlink_to(tmp_path / "secret.txt")
    (store.root / "folder").symlink_to(tmp_path)
    for name in ("link.pdf", "folder/secret.txt"):
        with pytest.raises(OutsideStore):
            store.get(ObjectRef(url=(store.root / name).as_uri(), size=6))


def test_a_write_outside_the_root_is_refused(store: LocalStore, tmp_path: Path) -> None:
    with pytest.raises(OutsideStore):
        store.put("../escaped.bin", b"x")
    assert not (tmp_path / "escaped.bin").exists()


def test_a_fifo_in_the_store_is_refused_without_blocking(store: LocalStore) -> None:
    store.root.mkdir(parents=True)
    os.mkfifo(store.root / "pipe")
    with pytest.raises(OutsideStore, match="not a regular file"):
        store.get(ObjectRef(url=(store.root / "pipe").as_uri(), size=0))


def test_a_tampered_object_is_refused(store: LocalStore) -> None:
    ref = store.put("documents/a.pdf", b"%PDF-1.7 a")
    Path(ref.url.removeprefix("file://")).write_bytes(b"%PDF-1.7 b")
    with pytest.raises(ObjectMismatch) as caught:
        store.get(ref)
    assert caught.value.reason == "object_mismatch"


def test_an_object_of_another_size_is_refused(store: LocalStore) -> None:
    ref = store.put("documents/a.pdf", b"%PDF-1.7 a")
    with pytest.raises(ObjectMismatch, match="holds 10 bytes"):
        store.get(ref.model_copy(update={"size": 11}))


def test_a_reference_without_a_digest_is_checked_on_size_alone(store: LocalStore) -> None:
    ref = store.put("documents/a.pdf", b"%PDF-1.7 a")
    assert store.get(ref.model_copy(update={"sha256": ""})) == b"%PDF-1.7 a"


class FakeS3:
    """The two calls S3Store makes, over a dict; records which bodies were read."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.read: list[str] = []

    def put_object(self, *, Bucket: str, Key: str, Body: bytes) -> None:
        self.objects[(Bucket, Key)] = Body

    def get_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:
        data = self.objects[(Bucket, Key)]
        fake = self

        class Body(io.BytesIO):
            def read(self, size: int | None = -1) -> bytes:
                fake.read.append(Key)
                return super().read(size)

        return {"ContentLength": len(data), "Body": Body(data)}


def test_s3_reads_only_its_own_bucket_and_prefix() -> None:
    client = FakeS3()
    store = S3Store("objects", "/pcflow/", client)
    ref = store.put("documents/a.pdf", b"%PDF-1.7 a")
    assert ref.url == "s3://objects/pcflow/documents/a.pdf"
    assert store.get(ref) == b"%PDF-1.7 a"
    client.objects[("objects", "other/a.pdf")] = b"%PDF-1.7 a"
    client.objects[("uploads", "pcflow/documents/a.pdf")] = b"%PDF-1.7 a"
    for url in (
        "s3://uploads/pcflow/documents/a.pdf",
        "s3://objects/other/a.pdf",
        "s3://objects/pcflowx/a.pdf",
        "s3://objects/pcflow/../other/a.pdf",
        "s3://objects/pcflow//a.pdf",
        "file:///etc/passwd",
    ):
        with pytest.raises(OutsideStore):
            store.get(ref.model_copy(update={"url": url}))


def test_s3_refuses_a_tampered_object_and_one_of_another_size_unread() -> None:
    client = FakeS3()
    store = S3Store("objects", "pcflow", client)
    ref = store.put("documents/a.pdf", b"%PDF-1.7 a")
    client.objects[("objects", "pcflow/documents/a.pdf")] = b"%PDF-1.7 b"
    with pytest.raises(ObjectMismatch):
        store.get(ref)
    client.read.clear()
    with pytest.raises(ObjectMismatch):
        store.get(ref.model_copy(update={"size": 10**9}))
    assert client.read == []
