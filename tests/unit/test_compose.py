"""docker-compose.yml against the code: the settings it passes, health, restarts, dependencies.

A misspelt variable in compose is silently ignored by pydantic-settings and the service runs on
its default, which in production means talking to 127.0.0.1, or, for Kafka security, silently
PLAINTEXT. These checks catch that, and the other ways the compose file, the scripts under
deploy/ and the code drift apart, without a Docker engine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from faststream.security import SASLScram512
from pydantic_settings import BaseSettings

from pcflow.settings import ToolSettings
from shared import topics
from shared.broker import kafka_security
from shared.settings import (
    ClassifySettings,
    CommonSettings,
    ExtractSettings,
    IngestSettings,
    MongoSettings,
    StoreSettings,
    WebSettings,
)

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
PROMETHEUS = ROOT / "deploy" / "prometheus" / "prometheus.yml"
KAFKA_DEPLOY = ROOT / "deploy" / "kafka"

SETTINGS: dict[str, type[BaseSettings]] = {
    "ingest": IngestSettings,
    "extract": ExtractSettings,
    "classify": ClassifySettings,
    "store": StoreSettings,
}
# The command-line tools, run in the network with `docker compose run --rm tools ...`.
TOOLS = "tools"
# Read by boto3 inside shared.objectstore, which every service uses.
LIBRARY_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}
ONE_SHOT = "no"
SECRET = re.compile(r"PASSWORD|SECRET|MONGO_URL")
INTERPOLATION = re.compile(r"\$\{([A-Z_]+)(?::?[-?][^}]*)?\}")


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


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """Mount target -> source (a named volume or a ./path) of the short volume syntax."""
    found = {}
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":")
        found[target] = source
    return found


def properties(path: Path) -> dict[str, str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return dict(
        line.split("=", 1) for line in lines if line and not line.startswith("#") and "=" in line
    )


def placeholders(env: dict[str, str]) -> dict[str, str]:
    """The environment as compose would pass it, with every ${...} filled in."""
    return {name: INTERPOLATION.sub("placeholder", value) for name, value in env.items()}


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
    one_shots = {
        name for name, s in services().items() if s["restart"] == ONE_SHOT and name != TOOLS
    }
    assert one_shots == {"kafka-certs", "kafka-init", "minio-init"}
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


def test_no_secret_is_written_into_the_compose_file() -> None:
    assignment = re.compile(r"^\s*-?\s*([\w.-]*(?:PASSWORD|SECRET)[\w.-]*)\s*[:=]\s*(.+)$", re.I)
    for number, line in enumerate(COMPOSE.read_text().splitlines(), 1):
        if line.lstrip().startswith("#") or not (found := assignment.match(line)):
            continue
        value = found.group(2).strip().strip("\"'")
        assert value.startswith("${"), f"docker-compose.yml:{number}: {found.group(1)} is literal"


@pytest.mark.parametrize("name", SETTINGS)
def test_kafka_clients_authenticate_over_tls(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment(services()[name])
    assert env["PCFLOW_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env["PCFLOW_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    for variable in ("PCFLOW_KAFKA_SASL_USERNAME", "PCFLOW_KAFKA_SASL_PASSWORD"):
        assert INTERPOLATION.fullmatch(env[variable]), f"{variable} is not taken from .env"
    for variable, value in placeholders(env).items():
        monkeypatch.setenv(variable, value)
    settings = SETTINGS[name]()
    assert isinstance(settings, CommonSettings)
    # The CA file exists only in the container; the SASL wiring is what is checked here.
    security = kafka_security(settings.model_copy(update={"kafka_ssl_cafile": None}))
    assert isinstance(security, SASLScram512)
    assert security.use_ssl


def test_the_services_bootstrap_listener_requires_sasl_ssl() -> None:
    broker = properties(KAFKA_DEPLOY / "server.properties")
    protocols = dict(
        pair.split(":") for pair in broker["listener.security.protocol.map"].split(",")
    )
    ports = {
        listener.split("://")[0]: listener.rsplit(":", 1)[1]
        for listener in broker["listeners"].split(",")
    }
    mechanisms = broker["sasl.enabled.mechanisms"].split(",")
    for name in SETTINGS:
        env = environment(services()[name])
        port = env["PCFLOW_KAFKA_BOOTSTRAP_SERVERS"].rsplit(":", 1)[1]
        (listener,) = [listener for listener, p in ports.items() if p == port]
        assert protocols[listener] == "SASL_SSL"
        assert env["PCFLOW_KAFKA_SASL_MECHANISM"] in mechanisms
    published = {port.rsplit(":", 1)[1] for port in services()["kafka"]["ports"]}
    for listener, port in ports.items():
        if port in published:
            assert protocols[listener] == "SASL_SSL", f"{listener} is published without SASL_SSL"
    # The unauthenticated controller listener (a super user) must not be reachable from outside.
    assert "CONTROLLER://localhost:" in broker["listeners"]
    assert broker["allow.everyone.if.no.acl.found"] == "false"


def test_the_ca_file_the_services_trust_is_the_one_kafka_certs_writes() -> None:
    script = (KAFKA_DEPLOY / "make-certs.sh").read_text()
    ca_dir = re.search(r"^ca=(\S+)$", script, re.M)
    assert ca_dir and '"$ca/ca.crt"' in script
    ca_volume = mounts(services()["kafka-certs"])[ca_dir.group(1)]
    assert ca_volume in compose()["volumes"]
    tls_volume = mounts(services()["kafka-certs"])["/etc/pcflow/kafka-tls"]
    for name in SETTINGS:
        cafile = Path(environment(services()[name])["PCFLOW_KAFKA_SSL_CAFILE"])
        assert cafile.name == "ca.crt"
        assert mounts(services()[name]).get(str(cafile.parent)) == ca_volume, name
    # The Java clients (healthcheck, kafka-init) and MinIO read the same CA.
    for name, target in (
        ("kafka", "/etc/pcflow/kafka-ca"),
        ("kafka-init", "/etc/pcflow/kafka-ca"),
        ("minio", "/etc/minio/certs/CAs"),
    ):
        assert mounts(services()[name]).get(target) == ca_volume, name
    for script_name in ("start-broker.sh", "create-topics.sh"):
        assert (
            "ssl.truststore.location=/etc/pcflow/kafka-ca/ca.crt"
            in (KAFKA_DEPLOY / script_name).read_text()
        )
    # Only the broker gets its private key.
    holders = {name for name, s in services().items() if tls_volume in mounts(s).values()}
    assert holders == {"kafka-certs", "kafka"}


def test_kafka_setup_and_healthcheck_log_in_as_the_admin() -> None:
    kafka = services()["kafka"]
    start = (KAFKA_DEPLOY / "start-broker.sh").read_text()
    health = " ".join(kafka["healthcheck"]["test"])
    client_config = re.search(r"--command-config (\S+)", health)
    assert client_config and f"client={client_config.group(1)}" in start
    assert "security.protocol=SASL_SSL" in start
    assert "--add-scram" in start and "--ignore-formatted" in start
    setup = (KAFKA_DEPLOY / "create-topics.sh").read_text()
    assert "security.protocol=SASL_SSL" in setup
    invocations = re.findall(r"/opt/kafka/bin/kafka-.*", setup)
    assert invocations and all("--command-config" in line for line in invocations)
    for variable in ("KAFKA_PCFLOW_USERNAME", "KAFKA_PCFLOW_PASSWORD", "KAFKA_MINIO_PASSWORD"):
        assert variable in environment(services()["kafka-init"])
        assert variable in setup
    assert "--group pcflow-" in setup and "--topic pcflow.documents." in setup


def test_the_consumer_groups_are_covered_by_the_acls() -> None:
    setup = (KAFKA_DEPLOY / "create-topics.sh").read_text()
    (group_prefix,) = re.findall(r"--group (\S+)", setup)
    (topic_prefix,) = re.findall(r"prefixed --topic (\S+)", setup)
    groups = set(
        re.findall(
            r'GROUP = "([^"]+)"',
            " ".join((ROOT / "services" / name / "app.py").read_text() for name in SETTINGS),
        )
    )
    assert groups and all(group.startswith(group_prefix) for group in groups)
    assert all(topic.startswith(topic_prefix) for topic in topics.ALL)


def test_minio_notifies_kafka_over_sasl_ssl() -> None:
    minio = services()["minio"]
    env = environment(minio)
    assert env["MINIO_NOTIFY_KAFKA_TLS_PCFLOW"] == "on"
    assert env["MINIO_NOTIFY_KAFKA_TLS_SKIP_VERIFY_PCFLOW"] == "off"
    assert env["MINIO_NOTIFY_KAFKA_SASL_PCFLOW"] == "on"
    assert env["MINIO_NOTIFY_KAFKA_SASL_MECHANISM_PCFLOW"] == "sha512"
    assert "${KAFKA_MINIO_PASSWORD" in env["MINIO_NOTIFY_KAFKA_SASL_PASSWORD_PCFLOW"]
    certs_dir = minio["command"][minio["command"].index("--certs-dir") + 1]
    assert f"{certs_dir}/CAs" in mounts(minio)
    assert minio["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"


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


def test_the_tools_connect_as_the_services_do() -> None:
    """Every connection setting ingest gets (broker, SASL, CA, object store, database with its
    user, upload bucket) the tools get with the same value, and nothing they do not read."""
    tools = services()[TOOLS]
    env = environment(tools)
    ingest = environment(services()["ingest"])
    connection = {name: value for name, value in ingest.items() if "METRICS" not in name}
    assert {name: env.get(name) for name in connection} == connection
    unknown = set(env) - setting_names(ToolSettings) - LIBRARY_VARIABLES
    assert not unknown, f"the tools are given variables they never read: {sorted(unknown)}"
    assert tools["entrypoint"] == ["pcflow"]
    assert tools["profiles"] == [TOOLS], "`docker compose up` leaves the tools alone"
    cafile = Path(env["PCFLOW_KAFKA_SSL_CAFILE"])
    assert (
        mounts(tools)[str(cafile.parent)] == mounts(services()["kafka-certs"])[str(cafile.parent)]
    )
    assert tools["depends_on"] == services()["ingest"]["depends_on"]


def test_the_tools_settings_from_compose_reach_sasl_s3_and_the_database_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable, value in placeholders(environment(services()[TOOLS])).items():
        monkeypatch.setenv(variable, value)
    settings = ToolSettings().model_copy(update={"kafka_ssl_cafile": None})
    assert isinstance(kafka_security(settings), SASLScram512)
    assert settings.object_store_url.startswith("s3://")
    assert settings.s3_bucket == "pcflow-uploads"
    mongo = settings.mongo_url.get_secret_value()
    assert mongo.startswith("mongodb://placeholder:placeholder@mongodb:27017/")


def test_the_web_server_asks_for_a_password_and_reads_only_what_it_needs() -> None:
    web = services()["web"]
    env = environment(web)
    assert web["command"] == ["python", "-m", "pcflow.web"]
    allowed = setting_names(WebSettings) | LIBRARY_VARIABLES | {"MPLCONFIGDIR"}
    assert not set(env) - allowed, sorted(set(env) - allowed)
    filled = placeholders(env)
    settings = WebSettings(
        web_host=filled["PCFLOW_WEB_HOST"], web_password=filled["PCFLOW_WEB_PASSWORD"]
    )
    assert settings.web_password is not None
    assert env["PCFLOW_WEB_PASSWORD"].startswith("${WEB_PASSWORD:?")
    ingest = environment(services()["ingest"])
    assert env["PCFLOW_S3_BUCKET"] == ingest["PCFLOW_S3_BUCKET"]
    assert env["AWS_ACCESS_KEY_ID"] != ingest["AWS_ACCESS_KEY_ID"]
    assert "MONGO_WEB_USERNAME" in env["PCFLOW_MONGO_URL"]
    assert web["ports"] == ["127.0.0.1:8080:8080"]
    assert "127.0.0.1:8080/health" in " ".join(web["healthcheck"]["test"])
    assert set(web["depends_on"]) == {"mongodb", "minio-init"}


def test_the_web_servers_users_may_put_uploads_and_only_read_documents() -> None:
    policy = json.loads((ROOT / "deploy" / "minio" / "pcflow-web-policy.json").read_text())
    grants = {
        (action, resource)
        for statement in policy["Statement"]
        for action in statement["Action"]
        for resource in statement["Resource"]
    }
    assert grants == {
        ("s3:PutObject", "arn:aws:s3:::pcflow-uploads/*"),
        ("s3:GetObject", "arn:aws:s3:::pcflow-objects/*"),
    }
    script = (ROOT / "deploy" / "minio" / "init.sh").read_text()
    assert "pcflow-web /etc/pcflow/pcflow-web-policy.json" in script
    users = (ROOT / "deploy" / "mongo" / "create-pcflow-user.js").read_text()
    web_user = re.search(r"user: process\.env\.MONGO_WEB_USERNAME,.*?roles: (\[.*?\])", users, re.S)
    assert web_user is not None
    assert web_user.group(1) == '[{ role: "read", db: database }]'
