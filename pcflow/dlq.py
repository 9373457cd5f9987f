"""`pcflow dlq list|replay`: inspect dead letters and re-drive them once the cause is fixed.

Both read the DLQ topic and the object store with the services' settings (`pcflow.settings`),
so they work on the embedded stack and on one whose broker needs SASL/SSL and whose objects
are in S3.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from pcflow.settings import tool_settings
from shared import topics
from shared.broker import kafka_client_options
from shared.events import DeadLetter, ObjectRef
from shared.objectstore import aget, open_store
from shared.settings import CommonSettings

log = logging.getLogger("pcflow.dlq")
app = typer.Typer(help="Dead letters: messages that could never succeed.")
console = Console()


class CannotReplay(Exception):
    """A replay that must not be attempted; the message says what to do instead."""


async def read_dead_letters(settings: CommonSettings) -> list[DeadLetter]:
    """The whole DLQ topic, read without a consumer group so nothing is committed.

    Anything else that was written to the topic is skipped: the store service has already
    turned it into a dead letter of its own.
    """
    consumer = AIOKafkaConsumer(**kafka_client_options(settings), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topics.DLQ, p)
            for p in consumer.partitions_for_topic(topics.DLQ) or set()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        letters: dict[str, DeadLetter] = {}
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    try:
                        letter = DeadLetter.model_validate_json(record.value or b"{}")
                    except ValidationError:
                        log.warning(
                            "not a dead letter at %s offset %d", record.topic, record.offset
                        )
                        continue
                    letters[letter.dead_letter_id] = letter
        return sorted(letters.values(), key=lambda letter: letter.occurred_at)
    finally:
        await consumer.stop()


def pick_letter(letters: list[DeadLetter], prefix: str) -> DeadLetter:
    """The one dead letter whose id starts with `prefix`: replaying a guess among several
    would re-drive a message nobody chose."""
    matches = [letter for letter in letters if letter.dead_letter_id.startswith(prefix)]
    if len(matches) != 1:
        raise CannotReplay(f"{len(matches)} dead letters match {prefix!r}: give more of the id")
    return matches[0]


def replay_payload(letter: DeadLetter) -> ObjectRef:
    """Where the original message body is kept, if the letter came from a topic.

    An upload refused by ingest came from a folder or bucket, not a topic, and a file refused
    before it was read has no bytes kept: the file itself is what must be fixed.
    """
    if letter.topic not in topics.ALL or letter.payload is None:
        raise CannotReplay(
            f"{letter.dead_letter_id} was refused at upload ({letter.topic}): fix the file "
            "and upload it again"
        )
    return letter.payload


@app.command("list")
def list_letters() -> None:
    """Every dead letter: stage, reason and the document it concerns."""
    letters = asyncio.run(read_dead_letters(tool_settings()))
    table = Table("id", "time", "stage", "document", "reason", "message")
    for letter in letters:
        table.add_row(
            letter.dead_letter_id[:12],
            letter.occurred_at.isoformat()[:19],
            letter.stage,
            (letter.document_id or "")[:12],
            letter.reason,
            letter.message[:80],
        )
    console.print(table)


async def replay_letter(settings: CommonSettings, prefix: str) -> DeadLetter:
    """Publish the original message of one dead letter to its topic again, with its headers."""
    letter = pick_letter(await read_dead_letters(settings), prefix)
    store = open_store(settings.object_store_url, settings.s3_endpoint_url)
    body = await aget(store, replay_payload(letter))
    producer = AIOKafkaProducer(**kafka_client_options(settings))
    await producer.start()
    try:
        await producer.send_and_wait(
            letter.topic,
            body,
            key=(letter.document_id or letter.dead_letter_id).encode(),
            headers=[(key, value.encode()) for key, value in letter.headers.items()],
        )
    finally:
        await producer.stop()
    return letter


@app.command()
def replay(dead_letter_id: Annotated[str, typer.Argument(help="id or unique prefix")]) -> None:
    """Publish a dead letter's original message to its topic again."""
    try:
        letter = asyncio.run(replay_letter(tool_settings(), dead_letter_id))
    except CannotReplay as error:
        console.print(f"[red]not replayed[/]: {error}")
        raise typer.Exit(1) from error
    console.print(f"replayed {letter.dead_letter_id} to {letter.topic}")
