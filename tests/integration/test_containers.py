"""The integration scenarios again, on the servers production runs: Apache Kafka and MongoDB.

The embedded stack speaks the same protocols, but a real broker and database differ in the
details the pipeline leans on (rebalances after a failed handler, `$max` and conditional
upserts, unique indexes). The containers need a Docker engine; without one every test here is
skipped with the reason, and the embedded runs of the same scenarios still cover the behaviour.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import docker
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from docker.errors import DockerException
from testcontainers.community.kafka import KafkaContainer
from testcontainers.community.mongodb import MongoDbContainer

from shared import topics
from shared.broker import Transport
from shared.events import DeadLetter, DocumentUploaded
from shared.settings import CommonSettings
from tests.integration.test_delivery import DOC_IDS, deliveries_around_a_crash, make_topic
from tests.integration.test_status import (
    Collection,
    check_document_id_is_unique,
    check_late_earlier_stage_keeps_stored,
    check_redelivered_stages_are_idempotent,
    scratch_collection,
)

pytestmark = pytest.mark.integration

# Kafka in KRaft mode from the Confluent image testcontainers boots by default (it knows no
# other), and the MongoDB release docker-compose.yml runs.
KAFKA_IMAGE = "confluentinc/cp-kafka:7.6.0"
MONGO_IMAGE = "mongo:8.0"
STARTUP_SECONDS = 180


@pytest.fixture(scope="module", autouse=True)
def docker_engine() -> None:
    try:
        docker.from_env(timeout=5).ping()
    except (DockerException, OSError) as exc:
        pytest.skip(f"no Docker engine: {exc}")


@pytest.fixture(scope="module")
def kafka() -> Iterator[str]:
    container = KafkaContainer(KAFKA_IMAGE).with_kraft()
    container.start(timeout=STARTUP_SECONDS)
    try:
        bootstrap = container.get_bootstrap_server()
        asyncio.run(create_dlq(bootstrap))
        yield bootstrap
    finally:
        container.stop()


@pytest.fixture(scope="module")
def mongo_url() -> Iterator[str]:
    with MongoDbContainer(MONGO_IMAGE) as container:
        yield container.get_connection_url()


@pytest.fixture
async def collection(mongo_url: str) -> AsyncIterator[Collection]:
    async with scratch_collection(mongo_url) as coll:
        yield coll


async def create_dlq(bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topics.DLQ, 1, 1)])
    finally:
        await admin.close()


def settings_for(bootstrap: str, objects: Path) -> CommonSettings:
    return CommonSettings(kafka_bootstrap_servers=bootstrap, object_store_url=objects.as_uri())


async def test_a_handler_failing_mid_message_gets_the_message_again(
    kafka: str, tmp_path: Path
) -> None:
    deliveries = await deliveries_around_a_crash(settings_for(kafka, tmp_path / "objects"))

    assert deliveries.count(DOC_IDS[1]) == 2
    assert deliveries.count(DOC_IDS[0]) == 1
    assert deliveries.count(DOC_IDS[2]) == 1


async def test_a_schema_invalid_event_goes_to_the_dlq(kafka: str, tmp_path: Path) -> None:
    topic = await make_topic(kafka)
    transport = Transport(settings_for(kafka, tmp_path / "objects"), "containers-test")
    handled: list[DocumentUploaded] = []
    letters: list[DeadLetter] = []
    arrived = asyncio.Event()

    @transport.subscriber(topic, group=f"g-{topic}")
    async def handle(event: DocumentUploaded) -> None:
        handled.append(event)

    # The DLQ is shared by every test of the module: only letters about this topic count.
    @transport.broker.subscriber(topics.DLQ, group_id=f"dlq-{topic}", auto_offset_reset="earliest")
    async def dlq(letter: DeadLetter) -> None:
        if letter.topic == topic:
            letters.append(letter)
            arrived.set()

    await transport.broker.start()
    try:
        await transport.broker.publish({"document_id": "nonsense"}, topic, key=b"nonsense")
        await asyncio.wait_for(arrived.wait(), timeout=60)
    finally:
        await transport.broker.stop()

    assert handled == []
    assert [letter.reason for letter in letters] == ["invalid_event"]
    assert letters[0].error_type == "ValidationError"
    assert letters[0].payload is not None
    assert transport.store.get(letters[0].payload) == b'{"document_id":"nonsense"}'


async def test_a_late_earlier_stage_does_not_overwrite_stored(collection: Collection) -> None:
    await check_late_earlier_stage_keeps_stored(collection)


async def test_redelivered_stages_are_idempotent_and_failure_keeps_its_reason(
    collection: Collection,
) -> None:
    await check_redelivered_stages_are_idempotent(collection)


async def test_document_id_is_unique(collection: Collection) -> None:
    await check_document_id_is_unique(collection)
