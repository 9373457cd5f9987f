import time

import pytest

from shared.circuit import DeadLetterBreaker


def test_the_breaker_opens_when_nearly_everything_is_dead_lettered() -> None:
    breaker = DeadLetterBreaker("extract", window=10, max_ratio=0.8)
    for _ in range(3):
        breaker.record(dead_lettered=False)
    for _ in range(6):
        breaker.record(dead_lettered=True)
    assert not breaker.open
    breaker.record(dead_lettered=True)
    assert not breaker.open, "7 of 10 is under the ratio"
    breaker.record(dead_lettered=True)
    assert breaker.open, "8 of the last 10"


def test_an_occasional_bad_document_never_opens_it() -> None:
    breaker = DeadLetterBreaker("extract", window=10, max_ratio=0.8)
    for i in range(200):
        breaker.record(dead_lettered=i % 3 == 0)
    assert not breaker.open


def test_after_the_cooldown_a_success_closes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    breaker = DeadLetterBreaker("extract", window=4, max_ratio=0.75, cooldown_seconds=30)
    for _ in range(4):
        breaker.record(dead_lettered=True)
    assert breaker.open and not breaker.half_open
    later = time.monotonic() + 31
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert breaker.half_open and not breaker.open
    breaker.record(dead_lettered=False)
    assert not breaker.open and not breaker.half_open
