"""At-least-once on a real broker: a message whose handler failed is delivered again."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from pcflow.stack import Stack
from shared.broker import Transport
from shared.events import DocumentUploaded, ObjectRef
from shared.settings import CommonSettings

DOC_IDS = [f"{i:064x}" for i in range(1, 4)]


async def make_topic(bootstrap: str) -> str:
    name = f"test.delivery.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, 2, 1)])
    finally:
        await admin.close()
    return name


def uploaded(doc_id: str) -> DocumentUploaded:
    return DocumentUploaded(
        document_id=doc_id,
        pipeline_version="1",
        uploaded_at=datetime.now(UTC),
        source="test",
        pdf=ObjectRef(url="file:///nowhere.pdf", size=1),
    )


async def deliveries_around_a_crash(settings: CommonSettings) -> list[str]:
    """Publish DOC_IDS to a fresh topic; the handler fails once, halfway through the second.

    Returns the document id of every delivery, in order, once each document was handled.
    """
    topic = await make_topic(settings.kafka_bootstrap_servers)
    transport = Transport(settings, "delivery-test")
    deliveries: list[str] = []
    crashed: set[str] = set()
    done = asyncio.Event()

    @transport.subscriber(topic, group=f"g-{topic}")
    async def handle(event: DocumentUploaded) -> None:
        deliveries.append(event.document_id)
        if event.document_id == DOC_IDS[1] and event.document_id not in crashed:
            crashed.add(event.document_id)
            raise ConnectionError("lost the database halfway")
        if set(DOC_IDS) <= set(deliveries) and crashed:
            done.set()

    await transport.broker.start()
    try:
        for doc_id in DOC_IDS:
            await transport.publish(topic, uploaded(doc_id), subject=doc_id)
        await asyncio.wait_for(done.wait(), timeout=60)
    finally:
        await transport.broker.stop()
    return deliveries


async def test_a_handler_failing_mid_message_gets_the_message_again(infra: Stack) -> None:
    settings = CommonSettings(
        kafka_bootstrap_servers=infra.settings.bootstrap,
        object_store_url=(infra.var / "objects").as_uri(),
    )
    deliveries = await deliveries_around_a_crash(settings)

    assert deliveries.count(DOC_IDS[1]) == 2
    assert deliveries.count(DOC_IDS[0]) == 1
    assert deliveries.count(DOC_IDS[2]) == 1
