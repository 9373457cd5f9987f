"""The retry budget of messages that fail transiently.

A transient failure is retried in place, which holds up every later message of its partition.
That is right for a dependency that comes back within minutes and wrong for one that never
does, or for a message that fails "transiently" every time (an object that is missing for
good), so each message gets a budget of attempts and seconds; past it, it is dead-lettered.

A budget is kept per position (topic, partition, offset) and belongs to the message that was
there: a broker that lost its log hands the same offsets to new messages, and a new message
must not inherit the attempts and the first failure of one that is gone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

Position = tuple[str, int, int]


@dataclass
class Failures:
    """The transient failures of one message so far."""

    attempts: int
    first_at: float
    # the event id of the message that failed, None when it carried none
    message_id: str | None = None


class RetryBudget:
    """Counts transient failures per message position (topic, partition, offset)."""

    def __init__(
        self,
        max_attempts: int,
        max_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_attempts = max_attempts
        self.max_seconds = max_seconds
        self.clock = clock
        self.failures: dict[Position, Failures] = {}

    def fail(self, position: Position, message_id: str | None = None) -> Failures:
        """Note one more failed attempt of the message at `position`; another message found
        at that position (`message_id`) starts afresh."""
        failures = self.failures.get(position)
        if failures is None or failures.message_id != message_id:
            failures = self.failures[position] = Failures(
                attempts=0, first_at=self.clock(), message_id=message_id
            )
        failures.attempts += 1
        return failures

    def elapsed(self, failures: Failures) -> float:
        return self.clock() - failures.first_at

    def exhausted(self, failures: Failures) -> bool:
        """No attempt is left, or the first failure is longer ago than the budget allows."""
        return failures.attempts >= self.max_attempts or self.elapsed(failures) >= self.max_seconds

    def forget(self, position: Position) -> None:
        """The message was handled or parked: its next delivery, if any, starts afresh."""
        self.failures.pop(position, None)
