"""docker-compose.yml against the code: the settings it passes, health, restarts, dependencies.

A misspelt variable in compose is silently ignored by pydantic-settings and the service runs on
its default, which in production means talking to 127.0.0.1. These checks catch that, and the
other ways the compose file and the code drift apart, without a Docker engine.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

from shared import topics
from shared.settings import (
    ClassifySettings,
    ExtractSettings,
    IngestSettings,
    MongoSettings,
    StoreSettings,
)

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
PROMETHEUS = ROOT / "deploy" / "prometheus" / "prometheus.yml"

SETTINGS: dict[str, type[BaseSettings]] = {
    "ingest": IngestSettings,
    "extract": ExtractSettings,
    "classify": ClassifySettings,
    "store": StoreSettings,
}
# Read by boto3 inside shared.objectstore, which every service uses.
LIBRARY_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}
ONE_SHOT = "no"
SECRET = re.compile(r"PASSWORD|SECRET|MONGO_URL")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.partition("=")[::2] for item in env)
    return {name: str(value) for name, value in env.items()}


def setting_names(settings: type[BaseSettings]) -> set[str]:
    return {f"PCFLOW_{field.upper()}" for field in settings.model_fields}


def test_each_pipeline_service_runs_its_module() -> None:
    for name in SETTINGS:
        assert services()[name]["command"] == ["python", "-m", f"services.{name}"]


@pytest.mark.parametrize("name", SETTINGS)
def test_environment_names_only_settings_the_service_reads(name: str) -> None:
    allowed = setting_names(SETTINGS[name]) | LIBRARY_VARIABLES
    unknown = set(environment(services()[name])) - allowed
    assert not unknown, f"{name} is given variables it never reads: {sorted(unknown)}"


@pytest.mark.parametrize("name", SETTINGS)
def test_service_listens_for_prometheus_and_its_healthcheck(name: str) -> None:
    service = services()[name]
    port = SETTINGS[name].model_fields["metrics_port"].default
    env = environment(service)
    assert env["PCFLOW_METRICS_PORT"] == str(port)
    assert env["PCFLOW_METRICS_HOST"] == "0.0.0.0"
    assert f"127.0.0.1:{port}/health" in " ".join(service["healthcheck"]["test"])


@pytest.mark.parametrize("name", SETTINGS)
def test_depends_on_kafka_and_on_mongodb_exactly_when_it_uses_it(name: str) -> None:
    depends = services()[name]["depends_on"]
    assert depends["kafka"]["condition"] == "service_healthy"
    assert depends["kafka-init"]["condition"] == "service_completed_successfully"
    uses_mongo = issubclass(SETTINGS[name], MongoSettings)
    assert ("mongodb" in depends) == uses_mongo
    if uses_mongo:
        assert depends["mongodb"]["condition"] == "service_healthy"


def test_every_service_restarts_and_every_long_running_one_has_a_healthcheck() -> None:
    for name, service in services().items():
        assert "restart" in service, f"{name} has no restart policy"
        if service["restart"] == ONE_SHOT:
            continue
        assert service["restart"] in ("always", "unless-stopped", "on-failure"), name
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_one_shot_setup_is_awaited_until_it_succeeded() -> None:
    one_shots = {name for name, s in services().items() if s["restart"] == ONE_SHOT}
    assert one_shots == {"kafka-init", "minio-init"}
    for name, service in services().items():
        for dependency, condition in service.get("depends_on", {}).items():
            expected = (
                "service_completed_successfully" if dependency in one_shots else "service_healthy"
            )
            assert condition["condition"] == expected, f"{name} -> {dependency}"


def test_topic_setup_creates_every_topic_the_code_uses() -> None:
    script = (ROOT / "deploy" / "kafka" / "create-topics.sh").read_text()
    for topic in topics.ALL:
        assert topic in script
    assert "--partitions 4" in script


def test_secrets_come_from_the_env_file() -> None:
    for name, service in services().items():
        for variable, value in environment(service).items():
            if SECRET.search(variable) or variable == "AWS_ACCESS_KEY_ID":
                assert "${" in value, f"{name}: {variable} is hard-coded"
    example = (ROOT / ".env.example").read_text()
    referenced = set(re.findall(r"\$\{([A-Z_]+):\?", COMPOSE.read_text()))
    assert referenced, "required variables are marked with ${NAME:?message}"
    for variable in referenced:
        assert re.search(rf"^{variable}=", example, re.M), f"{variable} missing in .env.example"


def test_extract_scales_out() -> None:
    extract = services()["extract"]
    assert extract["deploy"]["replicas"] >= 2
    assert "container_name" not in extract and "ports" not in extract


def test_prometheus_scrapes_every_service_on_its_metrics_port() -> None:
    config = yaml.safe_load(PROMETHEUS.read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for name, settings in SETTINGS.items():
        (discovery,) = jobs[name]["dns_sd_configs"]
        assert discovery["names"] == [name]
        assert discovery["type"] == "A"
        assert discovery["port"] == settings.model_fields["metrics_port"].default
