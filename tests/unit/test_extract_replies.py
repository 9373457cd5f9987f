"""A sandbox child's reply is read without trusting it: only the reply classes load."""

from __future__ import annotations

import os
import pickle

import pytest

from services.extract.core import PageResult, PagesResult
from services.extract.layout import Line, Span, Word
from services.extract.messages import Failed, PagesDone
from services.extract.reply_pickle import read_reply, write_reply
from services.extract.split_plan import CHUNK_PAGES, MIN_PAGES_PER_CHILD, plan_split
from shared.documents import PageInfo


class _Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("true",))


def test_a_run_of_pages_round_trips() -> None:
    word = Word(72.0, 60.0, 110.0, 72.0, "Lasten", size=10.0)
    span = Span("Lasten", size=10.0, bbox=(72.0, 60.0, 110.0, 72.0))
    line = Line(72.0, 60.0, 110.0, 72.0, [span], [word], page=1)
    page = PageResult(PageInfo(number=1, width=595.0, height=842.0), lines=[line])
    reply = PagesDone(PagesResult([page], ["a warning"], 0))
    assert read_reply(write_reply(reply)) == reply


def test_a_reply_naming_any_other_callable_is_refused() -> None:
    payload = pickle.dumps(Failed("corrupt", "x", detected_type=_Exploit()))  # type: ignore[arg-type]
    with pytest.raises(pickle.UnpicklingError, match=r"posix\.system"):
        read_reply(payload)


def test_a_payload_that_is_not_a_reply_is_refused() -> None:
    with pytest.raises(pickle.UnpicklingError, match="dict"):
        read_reply(pickle.dumps({"status": "ok"}))


def test_the_parent_spreads_long_and_scanned_documents() -> None:
    assert plan_split(10, scanned=False, workers=4).children == 1
    assert plan_split(3 * MIN_PAGES_PER_CHILD, scanned=False, workers=2).children == 2
    assert plan_split(3, scanned=True, workers=2).children == 2
    assert plan_split(3, scanned=True, workers=2).chunk == 1
    assert plan_split(300, scanned=False, workers=2).chunk == CHUNK_PAGES


def test_a_reply_with_fields_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(pickle.UnpicklingError, match="malformed PagesDone"):
        read_reply(write_reply(PagesDone(part=["not", "a", "run"])))  # type: ignore[arg-type]
