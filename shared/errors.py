"""Failure classes that decide a message's fate: retry it, or send it to the DLQ.

A permanent error means the same input will fail the same way again (a corrupt PDF, an event
that does not match its schema), so retrying only burns capacity: it goes to the DLQ and the
document gets status `failed`. Anything else is treated as transient and redelivered.
"""


class PermanentError(Exception):
    """An input that can never succeed; `reason` is a short machine-readable code."""

    reason: str = "permanent"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class InvalidEvent(PermanentError):
    reason = "invalid_event"
