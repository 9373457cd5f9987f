"""Consumer lag per group and partition, exported as a gauge; and truncated partitions.

Kafka knows how far behind a group is only when asked, so each service asks for its own
groups: the end offset of every assigned partition minus the group's committed offset.

The same look at end offsets shows when a partition's log ends before the position a consumer
holds: the broker lost data (a restarted in-memory broker, an unclean leader election). Such a
consumer would silently skip everything written until the log catches up with its old
position, so it is rewound to the start of the log; idempotent stages make that safe.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiokafka import TopicPartition

from shared.metrics import CONSUMER_LAG

log = logging.getLogger("pcflow.lag")


async def measure_lag(consumer: Any, group: str) -> dict[TopicPartition, int]:
    partitions = list(consumer.assignment())
    if not partitions:
        return {}
    ends = await consumer.end_offsets(partitions)
    lags = {}
    for tp in partitions:
        position = await consumer.position(tp)
        if position > ends[tp]:
            log.warning(
                "%s %s ends at %d, before our position %d: the broker lost data; rewinding",
                group,
                tp,
                ends[tp],
                position,
            )
            await consumer.seek_to_beginning(tp)
        committed = await consumer.committed(tp)
        lag = max(0, ends[tp] - (committed or 0))
        lags[tp] = lag
        CONSUMER_LAG.labels(group=group, topic=tp.topic, partition=str(tp.partition)).set(lag)
    return lags


def consumers_of(subscriber: Any) -> list[Any]:
    """The Kafka consumers of a subscriber: one, or one per worker of a concurrent one."""
    subgroup = getattr(subscriber, "consumer_subgroup", None)
    if subgroup:
        return list(subgroup)
    return [] if subscriber.consumer is None else [subscriber.consumer]


async def report_lag(subscriptions: list[tuple[Any, str]], interval: float) -> None:
    while True:
        for subscriber, group in subscriptions:
            for consumer in consumers_of(subscriber):
                try:
                    await measure_lag(consumer, group)
                except Exception:
                    log.warning("could not measure lag of %s", group, exc_info=True)
        await asyncio.sleep(interval)
