"""FastStream's in-memory broker, made to answer a publish as Kafka does."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiokafka.structs import RecordMetadata, TopicPartition
from faststream.kafka import KafkaBroker, TestKafkaBroker


class AcknowledgingTestBroker(TestKafkaBroker):
    """Answers a publish with where the message landed, which the in-memory broker leaves
    out and the stages record (shared/sent.py)."""

    @contextmanager
    def _patch_producer(self, broker: KafkaBroker) -> Iterator[None]:
        with super()._patch_producer(broker):
            producer = broker.config.broker_config.producer
            publish = producer.publish
            offsets = itertools.count()

            async def acknowledged(cmd: Any) -> RecordMetadata:
                await publish(cmd)
                where = TopicPartition(cmd.destination, 0)
                return RecordMetadata(cmd.destination, 0, where, next(offsets), None, 0, 0)

            producer.publish = acknowledged
            yield
