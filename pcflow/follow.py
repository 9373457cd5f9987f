"""`pcflow tail`: a plain consumer of the structured topic, as a downstream system would be."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer

from shared import topics
from shared.broker import kafka_client_options
from shared.events import ClaimCheck
from shared.headers import CLAIM_CHECK_HEADER
from shared.objectstore import aget, open_store
from shared.settings import CommonSettings


async def follow_structured(
    settings: CommonSettings,
    from_beginning: bool,
    count: int,
    on_event: Callable[[dict[str, Any]], None],
) -> None:
    store = open_store(settings.object_store_url, settings.s3_endpoint_url)
    consumer = AIOKafkaConsumer(
        topics.STRUCTURED,
        **kafka_client_options(settings),
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen = 0
    try:
        async for message in consumer:
            body = message.value or b""
            if any(key == CLAIM_CHECK_HEADER for key, _ in message.headers):
                body = await aget(store, ClaimCheck.model_validate_json(body).claim_check)
            on_event(json.loads(body))
            seen += 1
            if count and seen >= count:
                return
    finally:
        await consumer.stop()
