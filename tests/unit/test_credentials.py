"""The embedded database's generated user: kept for the owner alone, handed to every service
and command of the stack."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import urlparse

import pytest

from pcflow.credentials import generate_credentials, read_credentials, write_credentials
from pcflow.settings import tool_settings
from pcflow.stack import SERVICES, StackSettings


def test_credentials_are_written_for_the_owner_alone_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secrets" / "database.json"
    credentials = generate_credentials()
    write_credentials(path, credentials)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["database.json"]
    again = read_credentials(path)
    assert again is not None
    assert again.password.get_secret_value() == credentials.password.get_secret_value()
    assert read_credentials(tmp_path / "missing.json") is None


def test_each_stack_gets_a_password_of_its_own() -> None:
    first, second = generate_credentials(), generate_credentials()
    assert first.password != second.password
    assert len(first.password.get_secret_value()) >= 32


def test_every_service_and_the_tools_get_the_credentialed_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PCFLOW_MONGO_URL", raising=False)
    settings = StackSettings(var_dir=tmp_path / "var", mongo_port=27555)
    assert urlparse(settings.mongo_url.get_secret_value()).password is None
    credentials = generate_credentials()
    write_credentials(settings.credentials_file, credentials)
    url = urlparse(settings.mongo_url.get_secret_value())
    assert (url.username, url.password) == ("pcflow", credentials.password.get_secret_value())
    assert (url.hostname, url.port, url.query) == ("127.0.0.1", 27555, "authSource=admin")
    for service in SERVICES:
        env = settings.service_env(service)
        assert env["PCFLOW_MONGO_URL"] == settings.mongo_url.get_secret_value()
    assert tool_settings(settings).mongo_url == settings.mongo_url
    assert credentials.password.get_secret_value() not in repr(tool_settings(settings))
