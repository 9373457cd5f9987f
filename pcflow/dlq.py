"""`pcflow dlq list|replay`: inspect dead letters and re-drive them once the cause is fixed."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from pcflow.stack import StackSettings
from shared import topics
from shared.events import DeadLetter
from shared.objectstore import open_store

log = logging.getLogger("pcflow.dlq")
app = typer.Typer(help="Dead letters: messages that could never succeed.")
console = Console()


async def read_dead_letters(settings: StackSettings) -> list[DeadLetter]:
    """The whole DLQ topic, read without a consumer group so nothing is committed.

    Anything else that was written to the topic is skipped: the store service has already
    turned it into a dead letter of its own.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, enable_auto_commit=False)
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


@app.command("list")
def list_letters() -> None:
    """Every dead letter: stage, reason and the document it concerns."""
    letters = asyncio.run(read_dead_letters(StackSettings()))
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


async def replay_letter(settings: StackSettings, prefix: str) -> DeadLetter:
    letters = [
        letter
        for letter in await read_dead_letters(settings)
        if letter.dead_letter_id.startswith(prefix)
    ]
    if len(letters) != 1:
        raise typer.BadParameter(f"{len(letters)} dead letters match {prefix!r}")
    letter = letters[0]
    if letter.topic not in topics.ALL or letter.payload is None:
        raise typer.BadParameter(
            f"{letter.dead_letter_id} was rejected at upload ({letter.topic}): fix the file and "
            "drop it into the inbox again"
        )
    body = open_store((settings.var_dir.resolve() / "objects").as_uri()).get(letter.payload)
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap)
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
    letter = asyncio.run(replay_letter(StackSettings(), dead_letter_id))
    console.print(f"replayed {letter.dead_letter_id} to {letter.topic}")
