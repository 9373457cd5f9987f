"""Where uploads come from: a watched local folder or an S3/MinIO bucket.

Files stay where the user put them; the document record in MongoDB says what became of each,
which is what lets reconciliation find files that never reached a final status.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from watchfiles import awatch

log = logging.getLogger("pcflow.ingest")


@dataclass(frozen=True)
class Upload:
    name: str
    uri: str
    fingerprint: str


class Source(Protocol):
    def list(self) -> list[Upload]: ...

    def read(self, upload: Upload) -> bytes: ...

    def ticks(self, interval: float) -> AsyncGenerator[None, None]:
        """Moments worth a scan: at once, then whenever uploads may have changed."""
        ...


class InboxSource:
    """A folder; hidden and partial files (`.name`, `*.part`) are still being written."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def list(self) -> list[Upload]:
        """Oldest first: files are taken in the order they were dropped."""
        found = []
        for path in self.root.iterdir():
            if path.name.startswith(".") or path.suffix == ".part" or not path.is_file():
                continue
            stat = path.stat()
            found.append((stat.st_mtime_ns, path.name, stat.st_size))
        return [
            Upload(name, (self.root / name).as_uri(), f"{size}:{mtime}")
            for mtime, name, size in sorted(found)
        ]

    def read(self, upload: Upload) -> bytes:
        return (self.root / upload.name).read_bytes()

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

    def read(self, upload: Upload) -> bytes:
        key = upload.uri.removeprefix(f"s3://{self.bucket}/")
        data: bytes = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return data

    async def ticks(self, interval: float) -> AsyncGenerator[None, None]:
        while True:
            yield
            await asyncio.sleep(interval)
