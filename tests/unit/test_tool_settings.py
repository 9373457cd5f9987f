"""The command-line tools connect with the services' settings: to the embedded stack when the
environment names no other, and to a compose stack (SASL_SSL broker, S3 objects, database
credentials) when it does."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from pcflow.settings import tool_settings
from pcflow.stack import StackSettings
from shared.broker import kafka_client_options
from shared.objectstore import LocalStore, S3Store, open_store

COMPOSE_ENV = {
    "PCFLOW_KAFKA_BOOTSTRAP_SERVERS": "localhost:19092",
    "PCFLOW_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "PCFLOW_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
    "PCFLOW_KAFKA_SASL_USERNAME": "pcflow",
    "PCFLOW_KAFKA_SASL_PASSWORD": "kafka-secret",
    "PCFLOW_MONGO_URL": "mongodb://pcflow:mongo-secret@localhost:27017/pcflow?authSource=pcflow",
    "PCFLOW_OBJECT_STORE_URL": "s3://pcflow-objects",
    "PCFLOW_S3_ENDPOINT_URL": "http://localhost:9000",
    "PCFLOW_S3_BUCKET": "pcflow-uploads",
}


@pytest.fixture(autouse=True)
def no_stack_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*COMPOSE_ENV, "PCFLOW_INBOX_DIR", "PCFLOW_KAFKA_SSL_CAFILE"):
        monkeypatch.delenv(name, raising=False)


def test_without_variables_the_tools_reach_the_embedded_stack(tmp_path: Path) -> None:
    stack = StackSettings(var_dir=tmp_path / "var", kafka_port=19555, mongo_port=27555)
    settings = tool_settings(stack)
    assert kafka_client_options(settings) == {"bootstrap_servers": "127.0.0.1:19555"}
    assert "127.0.0.1:27555" in settings.mongo_url.get_secret_value()
    store = open_store(settings.object_store_url, settings.s3_endpoint_url)
    assert isinstance(store, LocalStore)
    assert store.root == (tmp_path / "var" / "objects").resolve()
    assert settings.inbox_dir == (tmp_path / "var" / "inbox").resolve()
    assert settings.s3_bucket is None


def test_the_environment_outranks_the_embedded_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in COMPOSE_ENV.items():
        monkeypatch.setenv(name, value)
    settings = tool_settings(StackSettings(var_dir=tmp_path / "var", kafka_port=19555))
    assert settings.mongo_url.get_secret_value() == COMPOSE_ENV["PCFLOW_MONGO_URL"]
    assert "mongo-secret" not in repr(settings)
    assert settings.s3_bucket == "pcflow-uploads"
    store = open_store(settings.object_store_url, settings.s3_endpoint_url)
    assert isinstance(store, S3Store)
    assert store.bucket == "pcflow-objects"
    assert store.client.meta.endpoint_url == "http://localhost:9000"

    options = kafka_client_options(settings)
    context = options.pop("ssl_context")
    assert options == {
        "bootstrap_servers": "localhost:19092",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "pcflow",
        "sasl_plain_password": "kafka-secret",
    }
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
