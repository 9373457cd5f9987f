"""Permanent extraction failures.

Each error carries a short `reason` code so the service can put it on the dead-letter topic and
in the document status without parsing messages. None of these is worth a retry: the same bytes
fail the same way every time.
"""

from __future__ import annotations

from typing import Literal

from shared.errors import PermanentError

# The reasons an extraction fails with: what a sandbox child reports, and what the parent maps
# back to the error class.
Reason = Literal[
    "extraction_failed",
    "empty",
    "not_pdf",
    "encrypted",
    "corrupt",
    "too_many_pages",
    "too_large",
    "timeout",
    "memory",
]


class ExtractionError(PermanentError):
    """Base of every permanent extraction failure."""

    reason: Reason = "extraction_failed"


class EmptyDocument(ExtractionError):
    reason = "empty"


class NotAPdf(ExtractionError):
    reason = "not_pdf"

    def __init__(self, message: str, detected_type: str = "unknown") -> None:
        super().__init__(message)
        self.detected_type = detected_type


class EncryptedDocument(ExtractionError):
    reason = "encrypted"


class CorruptDocument(ExtractionError):
    reason = "corrupt"


class TooManyPages(ExtractionError):
    reason = "too_many_pages"


class DocumentTooLarge(ExtractionError):
    reason = "too_large"


class ExtractionTimeout(ExtractionError):
    reason = "timeout"


class ExtractionMemoryExceeded(ExtractionError):
    reason = "memory"


ERRORS_BY_REASON: dict[Reason, type[ExtractionError]] = {
    cls.reason: cls
    for cls in (
        EmptyDocument,
        NotAPdf,
        EncryptedDocument,
        CorruptDocument,
        TooManyPages,
        DocumentTooLarge,
        ExtractionTimeout,
        ExtractionMemoryExceeded,
    )
}
