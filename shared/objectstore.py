"""A tiny object store over a local folder or an S3 bucket (MinIO in production).

PDFs and oversized payloads live here so that Kafka carries only references. Keys are derived
from content (document_id, digests), so writing the same object twice is harmless.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from shared.events import ObjectRef


class ObjectStore(Protocol):
    def put(self, key: str, data: bytes) -> ObjectRef: ...

    def get(self, ref: ObjectRef) -> bytes: ...


class LocalStore:
    """Objects as files below one folder; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def put(self, key: str, data: bytes) -> ObjectRef:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return ObjectRef(url=path.as_uri(), size=len(data), sha256=hashlib.sha256(data).hexdigest())

    def get(self, ref: ObjectRef) -> bytes:
        return Path(urlparse(ref.url).path).read_bytes()


class S3Store:
    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client

    def put(self, key: str, data: bytes) -> ObjectRef:
        full = f"{self.prefix}/{key}" if self.prefix else key
        self.client.put_object(Bucket=self.bucket, Key=full, Body=data)
        return ObjectRef(
            url=f"s3://{self.bucket}/{full}",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )

    def get(self, ref: ObjectRef) -> bytes:
        parsed = urlparse(ref.url)
        body = self.client.get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"]
        data: bytes = body.read()
        return data


def s3_client(endpoint_url: str | None) -> Any:
    """A boto3 S3 client; credentials come from the standard AWS environment variables."""
    import boto3

    return boto3.client("s3", endpoint_url=endpoint_url)


def open_store(url: str, s3_endpoint_url: str | None = None) -> ObjectStore:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return LocalStore(Path(parsed.netloc + parsed.path))
    if parsed.scheme == "s3":
        return S3Store(parsed.netloc, parsed.path, s3_client(s3_endpoint_url))
    raise ValueError(f"unsupported object store URL {url!r}: use file://DIR or s3://BUCKET/PREFIX")


async def aput(store: ObjectStore, key: str, data: bytes) -> ObjectRef:
    return await asyncio.to_thread(store.put, key, data)


async def aget(store: ObjectStore, ref: ObjectRef) -> bytes:
    return await asyncio.to_thread(store.get, ref)
