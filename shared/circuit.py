"""A circuit breaker on the DLQ ratio of one consumer.

When nearly every message of a stage fails permanently, the cause is far more likely a bad
deploy or a broken dependency than a sudden flood of bad documents. Sending them all to the
DLQ would mark good documents failed; instead the breaker opens and the stage hands messages
back (they stay on the topic) until a cool-down has passed and a trial message succeeds.
"""

from __future__ import annotations

import time
from collections import deque

from shared.metrics import CIRCUIT_OPEN


class DeadLetterBreaker:
    def __init__(
        self,
        stage: str,
        *,
        window: int = 20,
        max_ratio: float = 0.8,
        cooldown_seconds: float = 60.0,
    ) -> None:
        self.stage = stage
        self.outcomes: deque[bool] = deque(maxlen=window)
        self.max_ratio = max_ratio
        self.cooldown_seconds = cooldown_seconds
        self.opened_at: float | None = None

    @property
    def open(self) -> bool:
        """Open until the cool-down has passed; then one trial message may go through."""
        return (
            self.opened_at is not None and time.monotonic() - self.opened_at < self.cooldown_seconds
        )

    @property
    def half_open(self) -> bool:
        return self.opened_at is not None and not self.open

    def record(self, dead_lettered: bool) -> None:
        if not dead_lettered:
            self.opened_at = None
            CIRCUIT_OPEN.labels(stage=self.stage).set(0)
        self.outcomes.append(dead_lettered)
        full = len(self.outcomes) == self.outcomes.maxlen
        if full and sum(self.outcomes) / len(self.outcomes) >= self.max_ratio:
            self.trip()

    def trip(self) -> None:
        self.opened_at = time.monotonic()
        self.outcomes.clear()
        CIRCUIT_OPEN.labels(stage=self.stage).set(1)
