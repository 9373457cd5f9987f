"""Which recorded messages a broker lost: verified ones by bisection, new ones one by one."""

from __future__ import annotations

from dataclasses import replace

from shared.sent import Bounds, Sent, check, first_lost


def sent(partition: int, offset: int, *, verified: bool = True, generation: str = "a") -> Sent:
    return Sent(
        f"{generation}{partition}-{offset}",
        "1",
        partition,
        offset,
        f"{generation}{partition}.{offset}",
        verified,
    )


class Topic:
    """A topic's contents by (partition, offset): the CloudEvents id of the record there."""

    def __init__(self, records: dict[tuple[int, int], str]) -> None:
        self.records = records
        self.fetches = 0

    async def holds(self, message: Sent) -> bool:
        self.fetches += 1
        return self.records.get((message.partition, message.offset)) == message.event_id


def holding(messages: list[Sent]) -> Topic:
    return Topic({(m.partition, m.offset): m.event_id for m in messages})


async def test_a_partition_that_lost_nothing_costs_one_fetch() -> None:
    messages = [sent(0, offset) for offset in range(0, 1000, 3)]
    topic = holding(messages)
    found = await check(messages, {0: Bounds(0, 1000)}, topic.holds)
    assert (found.lost, found.verified, topic.fetches) == ([], [], 1)


async def test_the_cut_is_found_in_a_handful_of_fetches() -> None:
    messages = [sent(0, offset) for offset in range(1000)]
    topic = holding(messages[:617])
    assert await first_lost(messages, topic.holds) == 617
    assert topic.fetches <= 12


async def test_new_messages_at_the_offsets_a_restarted_broker_lost_are_told_apart() -> None:
    """A restarted in-memory broker fills offsets 0, 1, ... again with other messages; those
    recorded since are checked one by one, and found."""
    old = [sent(0, offset) for offset in range(10)]
    new = [sent(0, offset, verified=False, generation="b") for offset in range(6)]
    topic = holding(new)
    found = await check(old + new, {0: Bounds(0, 6)}, topic.holds)
    assert sorted(found.lost, key=lambda m: m.offset) == old
    assert found.verified == new


async def test_a_message_recorded_since_the_last_check_and_lost_is_found_lost() -> None:
    old = [sent(0, offset) for offset in range(4)]
    recent = [sent(0, offset, verified=False) for offset in range(4, 8)]
    replaced = {(0, 6): "someone else", (0, 7): "someone else"}
    topic = Topic({**{(m.partition, m.offset): m.event_id for m in old + recent}, **replaced})
    found = await check(old + recent, {0: Bounds(0, 8)}, topic.holds)
    assert found.lost == recent[2:]
    assert found.verified == recent[:2]


async def test_messages_past_the_end_are_lost_without_a_fetch() -> None:
    messages = [sent(1, offset) for offset in range(5)]
    topic = holding(messages[:3])
    found = await check(messages, {1: Bounds(0, 3)}, topic.holds)
    assert found.lost == messages[3:]
    assert topic.fetches == 1


async def test_messages_below_the_log_start_were_removed_by_retention_not_lost() -> None:
    messages = [sent(0, offset) for offset in range(10)]
    topic = holding(messages[4:])
    assert (await check(messages, {0: Bounds(4, 10)}, topic.holds)).lost == []


async def test_a_partition_the_topic_no_longer_has_lost_everything() -> None:
    messages = [sent(0, 0), sent(3, 7)]
    found = await check(messages, {0: Bounds(0, 1)}, holding(messages).holds)
    assert found.lost == [messages[1]]


async def test_partitions_are_judged_apart() -> None:
    kept = [sent(0, offset) for offset in range(4)]
    cut = [sent(1, offset) for offset in range(4)]
    topic = holding(kept + cut[:2])
    found = await check(kept + cut, {0: Bounds(0, 4), 1: Bounds(0, 4)}, topic.holds)
    assert found.lost == cut[2:]


def test_a_record_names_its_message_and_round_trips() -> None:
    message = replace(sent(2, 41), verified=False)
    record = {"document_id": message.document_id, "structured_message": message.fields()}
    assert Sent.of(record, "structured_message") == message
    assert Sent.of({"document_id": "x"}, "structured_message") is None
