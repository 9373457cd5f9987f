"""Where uploads come from: a watched local folder or an S3/MinIO bucket.

Files stay where the user put them; the document record in MongoDB says what became of each,
which is what lets reconciliation find files that never reached a final status.

An upload's size and kind are checked from metadata before a byte is read: an oversized file
must not fill memory, a FIFO would block the read for ever, and a symbolic link could point
anywhere the service may read.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import stat
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from watchfiles import awatch

from services.ingest.core import UploadRejected

log = logging.getLogger("pcflow.ingest")


@dataclass(frozen=True)
class Upload:
    name: str
    uri: str
    fingerprint: str


class Source(Protocol):
    def list(self) -> list[Upload]: ...

    def size(self, upload: Upload) -> int:
        """The upload's size from its metadata; raises UploadRejected for anything not a file."""
        ...

    def read(self, upload: Upload, max_bytes: int) -> bytes:
        """At most `max_bytes` + 1 bytes: a file that grew past the limit shows it, no more."""
        ...

    def ticks(self, interval: float) -> AsyncGenerator[None, None]:
        """Moments worth a scan: at once, then whenever uploads may have changed."""
        ...


def file_kind(mode: int) -> str:
    """What a non-regular directory entry is, in words for the failure reason."""
    kinds = (
        (stat.S_ISLNK, "symbolic link"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISDIR, "directory"),
    )
    return next((name for test, name in kinds if test(mode)), "special file")


def symlink_refused(name: str) -> UploadRejected:
    return UploadRejected(f"{name} is a symbolic link; drop the file itself", reason="symlink")


def refuse_unless_regular(name: str, mode: int) -> None:
    if stat.S_ISLNK(mode):
        raise symlink_refused(name)
    if not stat.S_ISREG(mode):
        raise UploadRejected(
            f"{name} is a {file_kind(mode)}, not a regular file", reason="not_a_file"
        )


class InboxSource:
    """A folder; hidden and partial files (`.name`, `*.part`) are still being written.

    Links and special files are listed so that they are refused with a reason instead of
    silently ignored; sub-folders are not uploads and are skipped.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def list(self) -> list[Upload]:
        """Oldest first: files are taken in the order they were dropped."""
        found = []
        for path in self.root.iterdir():
            if path.name.startswith(".") or path.suffix == ".part":
                continue
            try:
                info = path.lstat()
            except FileNotFoundError:  # taken away between listing and looking
                continue
            if not stat.S_ISDIR(info.st_mode):
                found.append((info.st_mtime_ns, path.name, info.st_size))
        return [
            Upload(name, (self.root / name).as_uri(), f"{size}:{mtime}")
            for mtime, name, size in sorted(found)
        ]

    def size(self, upload: Upload) -> int:
        info = (self.root / upload.name).lstat()
        refuse_unless_regular(upload.name, info.st_mode)
        return info.st_size

    def read(self, upload: Upload, max_bytes: int) -> bytes:
        """Opens without following a link and checks the open file, so a swap is refused too."""
        try:
            fd = os.open(self.root / upload.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise symlink_refused(upload.name) from exc
            raise
        with os.fdopen(fd, "rb") as file:
            refuse_unless_regular(upload.name, os.fstat(file.fileno()).st_mode)
            return file.read(max_bytes + 1)

    async def ticks(self, interval: float) -> AsyncGenerator[None, None]:
        """Wakes on file-system events, so a dropped file is picked up within milliseconds.

        The interval still ticks when nothing happened: events can be missed (a folder on a
        network share, an overflowing inotify queue), a scan cannot.
        """
        yield
        try:
            async for _ in awatch(
                self.root,
                debounce=50,
                step=10,
                rust_timeout=max(1, int(interval * 1000)),
                yield_on_timeout=True,
                recursive=False,
            ):
                yield
        except (OSError, RuntimeError) as exc:  # no inotify here, or its limits are reached
            log.warning("file-system events unavailable (%s); scanning every %.1f s", exc, interval)
        while True:
            await asyncio.sleep(interval)
            yield


class BucketSource:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def list(self) -> list[Upload]:
        uploads = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                if key.endswith("/"):
                    continue
                uploads.append(
                    Upload(key.rsplit("/", 1)[-1], f"s3://{self.bucket}/{key}", item["ETag"])
                )
        return uploads

    def key(self, upload: Upload) -> str:
        return upload.uri.removeprefix(f"s3://{self.bucket}/")

    def size(self, upload: Upload) -> int:
        size: int = self.client.head_object(Bucket=self.bucket, Key=self.key(upload))[
            "ContentLength"
        ]
        return size

    def read(self, upload: Upload, max_bytes: int) -> bytes:
        body = self.client.get_object(Bucket=self.bucket, Key=self.key(upload))["Body"]
        try:
            data: bytes = body.read(max_bytes + 1)
        finally:
            body.close()
        return data

    async def ticks(self, interval: float) -> AsyncGenerator[None, None]:
        while True:
            yield
            await asyncio.sleep(interval)
