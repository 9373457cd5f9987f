"""Where published messages landed, and which of them the broker no longer has.

A broker can lose messages it acknowledged: the embedded broker keeps its log in memory, and a
Kafka cluster loses the tail of a partition in an unclean leader election. A stage that
records in MongoDB where each of its messages landed (partition, offset, the CloudEvents id)
can ask the topic later whether the message is still there, and send again what is gone.

Loss cuts a partition's tail: everything from some offset on is gone, and new messages take
the lost offsets afterwards, so an offset alone proves nothing; the record found there must be
the one recorded. Asking for every recorded message at every check would cost a fetch per
document, so a message found once is marked verified, and a message found lost is unmarked
before anything is sent again. The verified messages of a partition were then all in its log
together, so after a cut those still held are exactly those below it: the
newest verified one is asked first (held means nothing verified was lost, one fetch), and only
when it is gone does a binary search find the cut. Messages recorded since the last check are
asked one by one. A message below the partition's log start was removed by retention,
deliberately: that is not loss.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Landed:
    """Where the broker put a message it acknowledged, and the message's CloudEvents id."""

    partition: int
    offset: int
    event_id: str


@dataclass(frozen=True)
class Sent:
    """One published message as its producer recorded it."""

    document_id: str
    pipeline_version: str
    partition: int
    offset: int
    event_id: str
    # found in the log by an earlier check
    verified: bool = False

    def fields(self) -> dict[str, Any]:
        """The record's sub-document: everything but the document id, which the record has."""
        return {
            "pipeline_version": self.pipeline_version,
            "partition": self.partition,
            "offset": self.offset,
            "event_id": self.event_id,
            "verified": self.verified,
        }

    @classmethod
    def landed(cls, document_id: str, pipeline_version: str, landed: Landed) -> Sent:
        return cls(document_id, pipeline_version, landed.partition, landed.offset, landed.event_id)

    @classmethod
    def of(cls, record: dict[str, Any], name: str) -> Sent | None:
        """The message recorded under `name` of a document record, if any."""
        sent = record.get(name)
        if not isinstance(sent, dict):
            return None
        return cls(
            document_id=record["document_id"],
            pipeline_version=sent["pipeline_version"],
            partition=sent["partition"],
            offset=sent["offset"],
            event_id=sent["event_id"],
            verified=bool(sent.get("verified")),
        )


@dataclass(frozen=True)
class Bounds:
    """A partition's log now: its first offset and the offset the next message will get."""

    start: int
    end: int


@dataclass
class Check:
    """What a check found: messages the broker lost, and messages found for the first time."""

    lost: list[Sent] = field(default_factory=list)
    verified: list[Sent] = field(default_factory=list)


Holds = Callable[[Sent], Awaitable[bool]]


def by_partition(sent: Iterable[Sent]) -> dict[int, list[Sent]]:
    """Recorded messages per partition, oldest first."""
    partitions: dict[int, list[Sent]] = {}
    for message in sent:
        partitions.setdefault(message.partition, []).append(message)
    return {p: sorted(messages, key=lambda m: m.offset) for p, messages in partitions.items()}


async def first_lost(messages: list[Sent], holds: Holds) -> int:
    """The index of the first of `messages` (verified ones of one partition, oldest first) the
    log no longer holds; len(messages) when it holds them all."""
    if not messages or await holds(messages[-1]):
        return len(messages)
    low, high = 0, len(messages) - 1  # messages[high] is lost
    while low < high:
        middle = (low + high) // 2
        if await holds(messages[middle]):
            low = middle + 1
        else:
            high = middle
    return high


async def check(sent: Iterable[Sent], bounds: dict[int, Bounds], holds: Holds) -> Check:
    """Which recorded messages the broker lost, and which it was found to hold for the first
    time. A message at or past its partition's end, or in a partition the topic no longer
    has, is lost without asking."""
    found = Check()
    for partition, messages in by_partition(sent).items():
        log = bounds.get(partition)
        if log is None:
            found.lost += messages
            continue
        kept = [m for m in messages if m.offset >= log.start]
        found.lost += [m for m in kept if m.offset >= log.end]
        within = [m for m in kept if m.offset < log.end]
        verified = [m for m in within if m.verified]
        found.lost += verified[await first_lost(verified, holds) :]
        for message in within:
            if not message.verified:
                (found.verified if await holds(message) else found.lost).append(message)
    return found
