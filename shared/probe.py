"""Asks a topic whether recorded messages are still there (see shared/sent.py for the logic).

A consumer without a group reads the one record at a recorded offset and compares its key and
CloudEvents id; nothing is committed, so no stage's position moves.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from types import TracebackType

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.broker import kafka_client_options
from shared.sent import Bounds, Check, Sent, check
from shared.settings import CommonSettings

FETCH_TIMEOUT_SECONDS = 10.0


class TopicProbe:
    def __init__(self, settings: CommonSettings, topic: str) -> None:
        self.topic = topic
        self.consumer = AIOKafkaConsumer(
            client_id="pcflow-probe",
            enable_auto_commit=False,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            **kafka_client_options(settings),
        )

    async def __aenter__(self) -> TopicProbe:
        await self.consumer.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.consumer.stop()

    async def bounds(self) -> dict[int, Bounds]:
        """Every partition's log now; empty when the topic does not exist (yet).

        The partitions are those of the metadata fetched at start: a probe is made per check.
        """
        numbers = self.consumer.partitions_for_topic(self.topic) or set()
        partitions = [TopicPartition(self.topic, p) for p in sorted(numbers)]
        if not partitions:
            return {}
        starts = await self.consumer.beginning_offsets(partitions)
        ends = await self.consumer.end_offsets(partitions)
        return {tp.partition: Bounds(starts[tp], ends[tp]) for tp in partitions}

    async def holds(self, sent: Sent) -> bool:
        """Whether the record at the recorded offset is the recorded message.

        Raises TimeoutError when the broker gives nothing back in time: a slow broker is no
        evidence of loss, and calling it loss would publish everything again.
        """
        tp = TopicPartition(self.topic, sent.partition)
        self.consumer.assign([tp])
        self.consumer.seek(tp, sent.offset)
        deadline = time.monotonic() + FETCH_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            batch = await self.consumer.getmany(tp, timeout_ms=1000, max_records=1)
            for record in batch.get(tp, []):
                headers = dict(record.headers or ())
                return (
                    record.offset == sent.offset
                    and record.key == sent.document_id.encode()
                    and headers.get("ce_id") == sent.event_id.encode()
                )
        raise TimeoutError(f"{self.topic}[{sent.partition}] gave no record at {sent.offset}")

    async def check(self, sent: Iterable[Sent]) -> Check:
        return await check(sent, await self.bounds(), self.holds)
