"""The upload form's side: put a PDF where ingest picks uploads up, after the checks ingest
itself makes, so a hopeless file is refused while the user still looks at the form."""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Any, Protocol

from services.ingest.core import AcceptedUpload, check_size, validate_upload
from shared.objectstore import s3_client
from shared.settings import UploadSettings

DEFAULT_NAME = "upload.pdf"


class UploadTarget(Protocol):
    def put(self, name: str, data: bytes) -> None: ...


class InboxTarget:
    """The folder ingest watches; written under a name it skips, then renamed, so ingest never
    reads half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, name: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        partial = self.root / f".{name}.{os.getpid()}.part"
        partial.write_bytes(data)
        partial.replace(self.root / name)


class BucketTarget:
    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def put(self, name: str, data: bytes) -> None:
        key = f"{self.prefix}/{name}" if self.prefix else name
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)


def upload_target(settings: UploadSettings, s3_endpoint_url: str | None) -> UploadTarget:
    """The same choice ingest makes for its source: the bucket when one is set."""
    if settings.s3_bucket:
        return BucketTarget(s3_client(s3_endpoint_url), settings.s3_bucket, settings.s3_prefix)
    if settings.inbox_dir is None:
        raise ValueError("set PCFLOW_INBOX_DIR or PCFLOW_S3_BUCKET")
    return InboxTarget(settings.inbox_dir.resolve())


def safe_name(filename: str | None) -> str:
    """The file's own name without any folder, and not one ingest takes for a file still being
    written (a leading dot, `.part`)."""
    name = PurePath((filename or "").replace("\\", "/")).name.lstrip(".").strip()
    if not name or name.endswith(".part"):
        return DEFAULT_NAME
    return name


def accept(data: bytes, size: int | None, max_bytes: int) -> AcceptedUpload:
    """Ingest's checks on an upload; `size` is what the client announced, checked before the
    bytes are looked at. Raises `UploadRejected` with ingest's reason."""
    if size is not None:
        check_size(size, max_bytes)
    return validate_upload(data, max_bytes)
