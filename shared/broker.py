"""Kafka wiring shared by every service: broker factory, publishing, DLQ and claim check.

Handlers stay thin because everything that is the same for every stage lives here:
CloudEvents headers, payloads over the message limit moved to the object store, permanent
failures routed to the DLQ, transient ones handed back for redelivery after a backoff, and the
document id put in the log context.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, NoReturn, TypeVar, get_type_hints

from faststream import AckPolicy, BaseMiddleware
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.kafka.security import parse_security
from faststream.message import StreamMessage
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import REGISTRY
from pydantic import BaseModel, ValidationError

from shared import metrics, topics
from shared.circuit import DeadLetterBreaker
from shared.errors import PermanentError, RetriesExhausted
from shared.events import ClaimCheck, DeadLetter, Event
from shared.headers import CLAIM_CHECK_HEADER, cloudevent_headers
from shared.logs import current_document
from shared.objectstore import ObjectStore, aget, aput, open_store
from shared.retries import Position, RetryBudget
from shared.sent import Landed
from shared.settings import CommonSettings
from shared.tracing import tracer_provider

log = logging.getLogger("pcflow.broker")
Handler = TypeVar("Handler", bound=Callable[..., Awaitable[None]])

BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 10.0


def kafka_security(settings: CommonSettings) -> BaseSecurity | None:
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    context = ssl.create_default_context(
        cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None
    )
    use_ssl = protocol in ("SSL", "SASL_SSL")
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context)
    sasl = {"SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512, "PLAIN": SASLPlaintext}
    return sasl[settings.kafka_sasl_mechanism](
        settings.kafka_sasl_username,
        settings.kafka_sasl_password.get_secret_value(),
        ssl_context=context if use_ssl else None,
        use_ssl=use_ssl,
    )


def kafka_client_options(settings: CommonSettings) -> dict[str, Any]:
    """Options for a plain aiokafka client, connecting as the services' broker connects.

    The command-line tools read and write topics without a FastStream broker (the DLQ from its
    start, without a consumer group); FastStream's own translation of the security settings
    keeps them on the same protocol, mechanism, user and CA as the services.
    """
    return {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        **parse_security(kafka_security(settings)),
    }


def backoff_seconds(attempt: int) -> float:
    """Capped exponential backoff with full jitter, so retries of many consumers spread out."""
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))


def _header(msg: StreamMessage[Any], name: str) -> str | None:
    value = msg.headers.get(name)
    return value.decode() if isinstance(value, bytes) else value


def _record_position(msg: StreamMessage[Any]) -> Position:
    raw = msg.raw_message
    return (getattr(raw, "topic", ""), getattr(raw, "partition", -1), getattr(raw, "offset", -1))


async def parse_with_document_context(
    record: Any, original: Callable[[Any], Awaitable[StreamMessage[Any]]]
) -> StreamMessage[Any]:
    """Parse as usual, and name the document in the log context of this consumer's task.

    Parsing happens before FastStream logs anything about a message, so every line about it,
    FastStream's own error lines included, carries its document id.
    """
    headers = dict(getattr(record, "headers", None) or [])
    subject = headers.get("ce_subject")
    current_document.set(subject.decode(errors="replace") if isinstance(subject, bytes) else None)
    return await original(record)


def event_model(handler: Callable[..., Awaitable[None]]) -> type[BaseModel]:
    """The model of the event a handler takes: its first parameter's type (FastStream fills
    the others, such as the message itself, from the context)."""
    first = next(iter(inspect.signature(handler).parameters))
    model = get_type_hints(handler)[first]
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{handler.__name__} must take one event model, not {model!r}")
    return model


def decode_event(model: type[BaseModel], msg: StreamMessage[Any]) -> BaseModel:
    """The body validated as the handler's event straight from its JSON bytes.

    FastStream's own decoding parses the JSON into Python objects first and validates those:
    for the megabytes of a long report's pages that costs twice the time, and an event read
    only for the stage it marks (`StageReached`) would still have every page turned into
    objects.
    """
    return model.model_validate_json(msg.body)


class Transport:
    """One service's connection to the pipeline: broker, object store and publishing."""

    def __init__(
        self,
        settings: CommonSettings,
        service: str,
        *,
        provider: TracerProvider | None = None,
    ) -> None:
        self.settings = settings
        self.service = service
        self.store: ObjectStore = open_store(settings.object_store_url, settings.s3_endpoint_url)
        self.attempts: dict[Position, int] = {}
        self.retries = RetryBudget(settings.retry_max_attempts, settings.retry_max_seconds)
        self.publishers: dict[str, Any] = {}
        self.subscriptions: list[tuple[Any, str]] = []
        self.breakers: dict[str, DeadLetterBreaker] = {}
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            security=kafka_security(settings),
            compression_type=None
            if settings.kafka_compression == "none"
            else settings.kafka_compression,
            max_request_size=2 * 1024 * 1024,
            graceful_timeout=settings.graceful_timeout_seconds,
            client_id=f"pcflow-{service}",
            logger=logging.getLogger(f"pcflow.{service}.faststream"),
            log_level=logging.DEBUG,
            parser=parse_with_document_context,
            middlewares=[
                KafkaTelemetryMiddleware(
                    tracer_provider=provider or tracer_provider(settings, service)
                ),
                KafkaPrometheusMiddleware(registry=REGISTRY, app_name=f"pcflow-{service}"),
                partial(DeadLetterMiddleware, transport=self),
                partial(ClaimCheckMiddleware, transport=self),
            ],
        )
        self.output(topics.DLQ, DeadLetter)

    def subscriber(
        self, *topic_names: str, group: str, include_in_schema: bool = True, workers: int = 1
    ) -> Callable[[Handler], Handler]:
        """At-least-once: the offset is committed only after the handler returned.

        With several `workers` the group has that many consumers in this process, each
        handling its own partitions one message at a time, so offsets are still committed in
        order per partition while a long message on one partition leaves the others moving.

        A subscriber that reads only part of its events stays out of the AsyncAPI document,
        which would otherwise show that part as the topic's message.
        """

        def register(handler: Handler) -> Handler:
            subscriber = self.broker.subscriber(
                *topic_names,
                group_id=group,
                include_in_schema=include_in_schema,
                ack_policy=AckPolicy.NACK_ON_ERROR,
                auto_offset_reset="earliest",
                max_poll_interval_ms=30 * 60 * 1000,
                session_timeout_ms=10_000,
                heartbeat_interval_ms=3_000,
                fetch_max_wait_ms=self.settings.kafka_fetch_max_wait_ms,
                decoder=partial(decode_event, event_model(handler)),
                max_workers=workers,
            )
            self.subscriptions.append((subscriber, group))
            subscriber(handler)
            return handler

        return register

    def breaker(self, topic: str) -> DeadLetterBreaker:
        """One breaker per consumed topic: a healthy DLQ follower must not mask a sick stage."""
        return self.breakers.setdefault(topic, DeadLetterBreaker(self.service))

    def output(self, topic: str, model: type[BaseModel]) -> None:
        """Declare a topic this service writes, so the AsyncAPI document shows it."""
        self.publishers[topic] = self.broker.publisher(
            topic, schema=model, title=f"{self.service}:{topic}"
        )

    async def publish(self, topic: str, event: Event | DeadLetter, *, subject: str) -> Landed:
        """Publish and wait for the broker's acknowledgement; returns where the message landed,
        which a stage records when it must later tell whether the broker still has it."""
        body = event.model_dump_json().encode()
        headers = cloudevent_headers(
            topic=topic, source=self.service, subject=subject, time=event.occurred_at
        )
        if len(body) > self.settings.claim_check_threshold_bytes:
            digest = hashlib.sha256(body).hexdigest()
            ref = await aput(self.store, f"claims/{subject}/{topic}-{digest[:16]}.json", body)
            body = ClaimCheck(claim_check=ref).model_dump_json().encode()
            headers[CLAIM_CHECK_HEADER] = "1"
        publisher = self.publishers.get(topic)
        if publisher is not None:
            metadata = await publisher.publish(body, key=subject.encode(), headers=headers)
        else:
            metadata = await self.broker.publish(body, topic, key=subject.encode(), headers=headers)
        return Landed(metadata.partition, metadata.offset, headers["ce_id"])

    async def dead_letter(
        self,
        *,
        body: bytes | None,
        exc: BaseException,
        origin: str,
        document_id: str | None,
        headers: dict[str, str] | None = None,
        position: str = "",
    ) -> None:
        """Park an input that can never succeed, keeping its bytes so it can be replayed.

        The id is derived from where the input came from, so a redelivered message that fails
        again produces the same dead letter rather than a second one. An input refused without
        being read (`body` None) has no bytes to keep. A message that ran out of retries is
        named by the error it failed with last.
        """
        letter_id = hashlib.sha256(f"{self.service}:{origin}:{position}".encode()).hexdigest()[:32]
        payload = None if body is None else await aput(self.store, f"dlq/{letter_id}.bin", body)
        reason = exc.reason if isinstance(exc, PermanentError) else "invalid_event"
        cause = exc.last_error if isinstance(exc, RetriesExhausted) else exc
        letter = DeadLetter(
            dead_letter_id=letter_id,
            document_id=document_id,
            stage=self.service,
            topic=origin,
            error_type=type(cause).__name__,
            reason=reason,
            message=str(exc)[:2000],
            payload=payload,
            headers=headers or {},
        )
        await self.publish(topics.DLQ, letter, subject=document_id or letter_id)
        metrics.DLQ_MESSAGES.labels(stage=self.service, reason=reason).inc()
        log.warning("sent to DLQ (%s): %s: %s", reason, type(exc).__name__, exc)


class CircuitOpen(Exception):
    """The stage is holding messages back after a DLQ spike; they are redelivered later."""


PERMANENT = (PermanentError, ValidationError, json.JSONDecodeError, UnicodeDecodeError)


class TransportMiddleware(BaseMiddleware):
    """A middleware that needs its service's transport (store, DLQ, breakers)."""

    def __init__(self, msg: Any, /, *, context: Any, transport: Transport) -> None:
        super().__init__(msg, context=context)
        self.transport = transport


class DeadLetterMiddleware(TransportMiddleware):
    """Permanent failures go to the DLQ and are acknowledged; transient ones are retried.

    A transient failure is re-raised after a backoff so that NACK_ON_ERROR seeks back and the
    same message is delivered again: nothing is lost and nothing is skipped. Once the message
    has used up its retry budget it goes to the DLQ as `retries_exhausted`, so its partition
    moves on. While the DLQ circuit breaker is open, messages are handed back the same way,
    outside the budget: holding them back is the breaker's purpose.
    """

    async def consume_scope(
        self, call_next: Callable[[StreamMessage[Any]], Awaitable[Any]], msg: StreamMessage[Any]
    ) -> Any:
        token = current_document.set(_header(msg, "ce_subject"))
        position = _record_position(msg)
        breaker = self.transport.breaker(position[0])
        try:
            if breaker.open:
                await self.hand_back(position, CircuitOpen("DLQ circuit breaker is open"))
            started = time.perf_counter()
            try:
                result = await call_next(msg)
            except PERMANENT as exc:
                await self.park(msg, exc, position, breaker)
                return None
            except Exception as exc:
                retries = self.transport.retries
                failures = retries.fail(position, _header(msg, "ce_id"))
                if not retries.exhausted(failures):
                    await self.hand_back(position, exc)
                exhausted = RetriesExhausted(
                    exc, attempts=failures.attempts, seconds=retries.elapsed(failures)
                )
                await self.park(msg, exhausted, position, breaker)
                return None
            breaker.record(dead_lettered=False)
            self.forget(position)
            log.info("handled %s in %.3f s", position[0], time.perf_counter() - started)
            return result
        finally:
            current_document.reset(token)

    def forget(self, position: Position) -> None:
        self.transport.attempts.pop(position, None)
        self.transport.retries.forget(position)

    async def park(
        self,
        msg: StreamMessage[Any],
        exc: BaseException,
        position: Position,
        breaker: DeadLetterBreaker,
    ) -> None:
        """Dead-letter the message, unless it is the breaker's trial and failed again."""
        if breaker.half_open:
            breaker.trip()
            await self.hand_back(position, exc)
        await self.dead_letter(msg, exc, position)
        breaker.record(dead_lettered=True)

    async def hand_back(self, position: Position, exc: BaseException) -> NoReturn:
        attempt = self.transport.attempts.get(position, 0)
        self.transport.attempts[position] = attempt + 1
        metrics.TRANSIENT_RETRIES.labels(stage=self.transport.service).inc()
        log.warning(
            "handing message back (attempt %d): %s: %s", attempt + 1, type(exc).__name__, exc
        )
        await asyncio.sleep(backoff_seconds(attempt))
        raise exc

    async def dead_letter(
        self, msg: StreamMessage[Any], exc: BaseException, position: Position
    ) -> None:
        """Keep the message as it arrived: a claim check has replaced `msg.body` with the payload
        it refers to, while the headers still announce the claim, and a replay publishes both."""
        key = getattr(msg.raw_message, "key", None)
        await self.transport.dead_letter(
            body=getattr(msg.raw_message, "value", msg.body),
            exc=exc,
            origin=position[0],
            document_id=_header(msg, "ce_subject")
            or (key.decode(errors="replace") if isinstance(key, bytes) else None),
            headers={
                k: v.decode() if isinstance(v, bytes) else str(v) for k, v in msg.headers.items()
            },
            position=f"{position[1]}:{position[2]}",
        )
        self.forget(position)


class ClaimCheckMiddleware(TransportMiddleware):
    """Swaps a claim-check reference for the payload it stands for, before decoding."""

    async def consume_scope(
        self, call_next: Callable[[StreamMessage[Any]], Awaitable[Any]], msg: StreamMessage[Any]
    ) -> Any:
        if _header(msg, CLAIM_CHECK_HEADER):
            ref = ClaimCheck.model_validate_json(msg.body).claim_check
            msg.body = await aget(self.transport.store, ref)
            msg.clear_cache()
        return await call_next(msg)
