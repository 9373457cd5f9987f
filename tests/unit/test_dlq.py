"""Which dead letter a replay re-drives, and which it refuses."""

from __future__ import annotations

import pytest

from pcflow.dlq import CannotReplay, pick_letter, replay_payload
from shared import topics
from shared.events import DeadLetter, ObjectRef


def letter(letter_id: str, topic: str, payload: ObjectRef | None) -> DeadLetter:
    return DeadLetter(
        dead_letter_id=letter_id,
        document_id="d" * 64,
        stage="extract",
        topic=topic,
        error_type="ObjectMismatch",
        reason="object_mismatch",
        message="",
        payload=payload,
    )


KEPT = ObjectRef(url="file:///var/objects/dlq/x.bin", size=3, sha256="")
LETTERS = [
    letter("ab12" + "0" * 28, topics.UPLOADED, KEPT),
    letter("ab34" + "0" * 28, topics.EXTRACTED, KEPT),
]


def test_a_unique_prefix_picks_its_letter() -> None:
    assert pick_letter(LETTERS, "ab3") is LETTERS[1]


@pytest.mark.parametrize("prefix", ["ab", "ff"])
def test_a_prefix_matching_several_letters_or_none_picks_nothing(prefix: str) -> None:
    with pytest.raises(CannotReplay, match=f"match '{prefix}'"):
        pick_letter(LETTERS, prefix)


def test_a_letter_from_a_topic_replays_its_kept_message() -> None:
    assert replay_payload(LETTERS[0]) == KEPT


@pytest.mark.parametrize(
    ("origin", "payload"),
    [("file:///var/inbox/x.pdf", KEPT), ("file:///var/inbox/huge.pdf", None)],
)
def test_an_upload_refused_by_ingest_is_not_replayed(
    origin: str, payload: ObjectRef | None
) -> None:
    with pytest.raises(CannotReplay, match="refused at upload"):
        replay_payload(letter("c" * 32, origin, payload))
