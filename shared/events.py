"""The events on the pcflow topics: the single source of truth for every message's shape.

JSON Schemas and the AsyncAPI document for downstream consumers are generated from these
classes (`make schemas`). A consumer rejects an event whose `schema_version` it does not know
instead of guessing, which is why the field is a literal.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared import topics
from shared.documents import ExtractedDocument, StructuredDocument

SCHEMA_VERSION: Literal[1] = 1

DOCUMENT_ID_PATTERN = r"^[0-9a-f]{64}$"
DocumentId = Annotated[str, Field(pattern=DOCUMENT_ID_PATTERN, description="SHA-256 of the PDF")]


def is_document_id(value: str | None) -> bool:
    return value is not None and re.fullmatch(DOCUMENT_ID_PATTERN, value) is not None


def utcnow() -> datetime:
    return datetime.now(UTC)


class ObjectRef(BaseModel):
    """Where a payload lives in the object store: `file:///...` or `s3://bucket/key`."""

    model_config = ConfigDict(extra="forbid")

    url: str
    size: int = Field(ge=0)
    sha256: str = ""


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION
    document_id: DocumentId
    pipeline_version: str
    occurred_at: datetime = Field(default_factory=utcnow)
    uploaded_at: datetime = Field(description="when ingest accepted the file: end-to-end clock")
    filename: str = ""

    def lineage(self) -> dict[str, Any]:
        """The fields every later event about the same document carries over unchanged."""
        return {
            "document_id": self.document_id,
            "pipeline_version": self.pipeline_version,
            "uploaded_at": self.uploaded_at,
            "filename": self.filename,
        }


class DocumentUploaded(Event):
    """A new PDF was accepted by ingest; its bytes are in the object store."""

    source: str = Field(description="where the file came from: inbox path or bucket URL")
    pdf: ObjectRef


class DocumentExtracted(Event):
    extracted: ExtractedDocument


class DocumentClassified(Event):
    document: StructuredDocument


class DocumentStructured(Event):
    """Published only after the document is written to MongoDB."""

    stored_at: datetime
    document: StructuredDocument


class StageReached(BaseModel):
    """Any event read only for the stage it marks: the page model inside is not even built."""

    model_config = ConfigDict(extra="ignore")

    schema_version: Literal[1] = SCHEMA_VERSION
    document_id: DocumentId
    occurred_at: datetime


class DeadLetter(BaseModel):
    """A message that can never succeed, with what a person needs to judge and replay it."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION
    dead_letter_id: str
    document_id: str | None = Field(description="None when the event was too broken to tell")
    stage: str
    topic: str
    error_type: str
    reason: str
    message: str
    occurred_at: datetime = Field(default_factory=utcnow)
    payload: ObjectRef | None = Field(description="the original message body, kept for replay")
    headers: dict[str, str] = Field(default_factory=dict)


class ClaimCheck(BaseModel):
    """Stands on the topic in place of a payload larger than the message limit."""

    model_config = ConfigDict(extra="forbid")

    claim_check: ObjectRef


EVENTS: dict[str, type[BaseModel]] = {
    topics.UPLOADED: DocumentUploaded,
    topics.EXTRACTED: DocumentExtracted,
    topics.CLASSIFIED: DocumentClassified,
    topics.STRUCTURED: DocumentStructured,
    topics.DLQ: DeadLetter,
}
