"""A tiny object store over a local folder or an S3 bucket (MinIO in production).

PDFs and oversized payloads live here so that Kafka carries only references. Keys are derived
from content (document_id, digests), so writing the same object twice is harmless.

A reference arrives in an event, and events are input: a store reads only below its own root
(or bucket and prefix), and only bytes whose size and SHA-256 match what the reference says.
Anything else is a permanent error, so the message goes to the DLQ instead of being retried.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

from shared.errors import ObjectMismatch, OutsideStore
from shared.events import ObjectRef

# Hosts a `file:` URL may name and still mean this machine (RFC 8089).
LOCAL_HOSTS = ("", "localhost")
# Key segments that S3 stores literally but that path-normalising proxies and clients resolve.
UNSAFE_SEGMENTS = ("", ".", "..")


class ObjectStore(Protocol):
    def put(self, key: str, data: bytes) -> ObjectRef: ...

    def url(self, key: str) -> str:
        """Where `key` is (or would be) stored: with the size and SHA-256 a reader knows from
        elsewhere, enough to make the reference `get` checks against."""
        ...

    def get(self, ref: ObjectRef) -> bytes: ...


def verify(ref: ObjectRef, data: bytes) -> bytes:
    """The bytes read, if they are the ones the reference was made for."""
    if len(data) != ref.size:
        raise ObjectMismatch(f"{ref.url} holds {len(data)} bytes, the reference says {ref.size}")
    if ref.sha256 and hashlib.sha256(data).hexdigest() != ref.sha256:
        raise ObjectMismatch(f"{ref.url} does not have the SHA-256 its reference names")
    return data


class LocalStore:
    """Objects as files below one folder; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def inside(self, path: Path) -> Path:
        """`path` with symlinks and `..` resolved, if that is still below the root."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise OutsideStore(f"{path} is outside the object store {self.root}")
        return resolved

    def path_of(self, url: str) -> Path:
        parsed = urlparse(url)
        path = unquote(parsed.path)
        if parsed.scheme != "file" or parsed.netloc not in LOCAL_HOSTS or "\x00" in path:
            raise OutsideStore(f"{url!r} is not a file in the object store {self.root}")
        return self.inside(Path(path))

    def url(self, key: str) -> str:
        return self.inside(self.root / key).as_uri()

    def put(self, key: str, data: bytes) -> ObjectRef:
        path = self.inside(self.root / key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return ObjectRef(url=path.as_uri(), size=len(data), sha256=hashlib.sha256(data).hexdigest())

    def get(self, ref: ObjectRef) -> bytes:
        """Reads the object; a link swapped in after the check or a non-file is refused."""
        path = self.path_of(ref.url)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise OutsideStore(f"{path} became a symbolic link after it was checked") from exc
            raise
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise OutsideStore(f"{path} is not a regular file")
            if info.st_size != ref.size:
                raise ObjectMismatch(
                    f"{ref.url} holds {info.st_size} bytes, the reference says {ref.size}"
                )
            return verify(ref, file.read())


class S3Store:
    """Objects under one prefix of one bucket; a reference to any other key is refused."""

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client

    def inside(self, key: str) -> str:
        """`key`, if it lies below the prefix and has no segment a path resolver would fold."""
        segments = key.split("/")
        under_prefix = not self.prefix or PurePosixPath(key).is_relative_to(self.prefix)
        if not under_prefix or any(part in UNSAFE_SEGMENTS for part in segments):
            raise OutsideStore(f"{key!r} is outside s3://{self.bucket}/{self.prefix}")
        return key

    def key_of(self, url: str) -> str:
        parsed = urlparse(url)
        if parsed.scheme != "s3" or parsed.netloc != self.bucket:
            raise OutsideStore(f"{url!r} is outside s3://{self.bucket}/{self.prefix}")
        return self.inside(parsed.path.removeprefix("/"))

    def url(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.inside(f'{self.prefix}/{key}' if self.prefix else key)}"

    def put(self, key: str, data: bytes) -> ObjectRef:
        url = self.url(key)
        self.client.put_object(Bucket=self.bucket, Key=self.key_of(url), Body=data)
        return ObjectRef(url=url, size=len(data), sha256=hashlib.sha256(data).hexdigest())

    def get(self, ref: ObjectRef) -> bytes:
        """Reads the object; one of another size is refused before its body is read."""
        response = self.client.get_object(Bucket=self.bucket, Key=self.key_of(ref.url))
        body = response["Body"]
        try:
            if response["ContentLength"] != ref.size:
                raise ObjectMismatch(
                    f"{ref.url} holds {response['ContentLength']} bytes, "
                    f"the reference says {ref.size}"
                )
            data: bytes = body.read()
        finally:
            body.close()
        return verify(ref, data)


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
