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


class InvalidReference(PermanentError):
    """An object-store reference that must not be followed: the bytes it names are not ours."""

    reason = "invalid_reference"


class OutsideStore(InvalidReference):
    """The reference names something outside the store's folder, bucket or prefix.

    References travel in events, and an event is input like any other: following one to
    `file:///etc/passwd` or `../..` would let whoever can publish read the host's files.
    """

    reason = "outside_store"


class ObjectMismatch(InvalidReference):
    """What was read differs in size or SHA-256 from what the reference promised."""

    reason = "object_mismatch"


class RetriesExhausted(PermanentError):
    """A transient failure that outlasted the retry budget; `last_error` is what failed last.

    Retrying forever would block the message's partition behind it, so after the budget the
    message is parked in the DLQ like a permanent failure and can be replayed after a fix.
    """

    reason = "retries_exhausted"

    def __init__(self, last_error: BaseException, *, attempts: int, seconds: float) -> None:
        super().__init__(
            f"gave up after {attempts} attempts in {seconds:.1f} s; last error: "
            f"{type(last_error).__name__}: {last_error}"
        )
        self.last_error = last_error
        self.attempts = attempts
