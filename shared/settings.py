"""Configuration from the environment (12-factor): one settings class per service.

Every variable has the prefix `PCFLOW_`; defaults fit the embedded stack on one machine, so
`pcflow up` needs no configuration at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    """What every service needs: the broker, the object store, logs, metrics and tracing."""

    model_config = SettingsConfigDict(env_prefix="PCFLOW_", extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr = SecretStr("")
    kafka_ssl_cafile: Path | None = None
    kafka_compression: Literal["none", "gzip", "lz4", "zstd", "snappy"] = "zstd"
    kafka_fetch_max_wait_ms: int = Field(
        default=100,
        gt=0,
        description="longest a fetch waits for new messages; brokers that do not answer a "
        "waiting fetch early (Tansu) add up to this much latency to every stage",
    )
    object_store_url: str = Field(
        default="file://./var/objects",
        description="file://DIR for a local folder, s3://BUCKET/PREFIX for S3 or MinIO",
    )
    s3_endpoint_url: str | None = None
    claim_check_threshold_bytes: int = 1024 * 1024 - 64 * 1024
    log_level: str = "INFO"
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9100
    otlp_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP traces endpoint; tracing export is off when unset"
    )
    retry_max_attempts: int = Field(
        default=30,
        ge=1,
        description="deliveries of a message failing transiently before it goes to the DLQ",
    )
    retry_max_seconds: float = Field(
        default=300.0,
        gt=0,
        description="longest a message is retried after its first transient failure; outlasts "
        "a database fail-over or broker restart, not an outage someone must fix",
    )
    graceful_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        description="after SIGTERM, how long a service waits for the message in flight before "
        "it exits anyway; whatever stops a service must wait at least this long",
    )


class MongoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PCFLOW_", extra="ignore")

    mongo_url: SecretStr = SecretStr("mongodb://127.0.0.1:27017")
    mongo_database: str = "pcflow"


class ReconcileSettings(BaseSettings):
    """How ingest and store find documents that a crash or a broker's loss of data stranded."""

    model_config = SettingsConfigDict(env_prefix="PCFLOW_", extra="ignore")

    reconcile_interval_seconds: float = Field(
        default=300.0,
        gt=0,
        description="how often ingest compares the uploads' listing with the records for one "
        "stuck short of a final status; reads only new, changed or stuck uploads",
    )
    reconcile_stale_seconds: float = Field(
        default=900.0,
        gt=0,
        description="how long a document may go without progress before the stale sweep "
        "sends it again; longer than the slowest document takes",
    )
    loss_check_interval_seconds: float = Field(
        default=10.0,
        gt=0,
        description="how often ingest and store ask the broker whether it still has the "
        "messages they recorded, and send again what it lost; a few fetches per partition",
    )


class UploadSettings(BaseSettings):
    """Where uploads arrive and how large one may be: ingest reads them, the web puts them."""

    model_config = SettingsConfigDict(env_prefix="PCFLOW_", extra="ignore")

    inbox_dir: Path | None = Path("./var/inbox")
    s3_bucket: str | None = Field(
        default=None, description="the upload bucket, instead of the inbox folder"
    )
    s3_prefix: str = ""
    max_upload_bytes: int = 200 * 1024 * 1024


class IngestSettings(CommonSettings, MongoSettings, UploadSettings, ReconcileSettings):
    metrics_port: int = 9101
    scan_interval_seconds: float = 1.0


class ExtractSettings(CommonSettings):
    metrics_port: int = 9102
    max_pages: int = 2000
    cpu_seconds: int = 600
    memory_mib: int = 2048
    wall_seconds: float = 900.0
    ocr: bool = True
    ocr_language: str = "nld"
    page_workers: int = Field(
        default_factory=lambda: len(os.sched_getaffinity(0)),
        ge=1,
        description="child processes a long document's pages are spread over",
    )
    document_workers: int = Field(
        default=2,
        ge=1,
        description="documents one instance extracts at the same time, each from partitions of "
        "its own: a long scan does not hold up the reports queued behind it",
    )


class ClassifySettings(CommonSettings):
    metrics_port: int = 9103


class StoreSettings(CommonSettings, MongoSettings, ReconcileSettings):
    metrics_port: int = 9104


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


class WebSettings(CommonSettings, MongoSettings, UploadSettings):
    """`pcflow web`: the pages and the JSON API over stored documents, and the upload form."""

    web_host: str = "127.0.0.1"
    web_port: int = 8080
    web_username: str = "pcflow"
    web_password: SecretStr | None = Field(
        default=None, description="HTTP basic authentication on every page and API call when set"
    )

    @model_validator(mode="after")
    def _reachable_only_with_password(self) -> WebSettings:
        # The pages show every stored report and accept uploads: a server other machines can
        # reach must not do that for anyone who finds it.
        if self.web_host not in LOOPBACK_HOSTS and self.web_password is None:
            raise ValueError(
                f"PCFLOW_WEB_HOST={self.web_host} is reachable from other machines: "
                "set PCFLOW_WEB_PASSWORD"
            )
        return self
