"""The embedded database's user: generated once, kept under `var/` for the owner alone.

The embedded stack runs SecantusDB with `--auth`, like the compose stack runs MongoDB, so
nothing else on the machine that can reach its port reads or changes the documents. SecantusDB
creates users only through `createUser` on a running server, and with `--auth` it refuses
every command until someone has logged in; so the user is created while the server runs once
without `--auth` (see `Stack.ensure_database_user`), and the server runs with `--auth` from
then on.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from urllib.parse import quote

from pydantic import BaseModel, SecretStr
from pymongo import MongoClient
from pymongo.errors import OperationFailure

USERNAME = "pcflow"
# The stack's one user may use any database: a changed PCFLOW_MONGO_DATABASE keeps working,
# and so do the scratch databases tests create and drop (dropDatabase is a dbAdmin action).
ROLES = [
    {"role": "readWriteAnyDatabase", "db": "admin"},
    {"role": "dbAdminAnyDatabase", "db": "admin"},
]
USER_EXISTS = 51003


class DatabaseCredentials(BaseModel):
    username: str
    password: SecretStr

    def url(self, host: str, port: int) -> SecretStr:
        user = quote(self.username, safe="")
        password = quote(self.password.get_secret_value(), safe="")
        return SecretStr(f"mongodb://{user}:{password}@{host}:{port}/?authSource=admin")


def generate_credentials() -> DatabaseCredentials:
    return DatabaseCredentials(username=USERNAME, password=SecretStr(secrets.token_urlsafe(32)))


def read_credentials(path: Path) -> DatabaseCredentials | None:
    try:
        return DatabaseCredentials.model_validate_json(path.read_text())
    except FileNotFoundError:
        return None


def write_credentials(path: Path, credentials: DatabaseCredentials) -> None:
    """Written readable by the owner alone from the first byte (never chmod-ed after), and
    whole: the file appears by rename."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(
            {"username": credentials.username, "password": credentials.password.get_secret_value()},
            file,
        )
    partial.replace(path)


def create_user(url: str, credentials: DatabaseCredentials) -> None:
    """Create the user on a server running without `--auth`; a user left by an earlier attempt
    gets this password and these roles instead."""
    client: MongoClient[dict[str, object]] = MongoClient(url, serverSelectionTimeoutMS=30_000)
    password = credentials.password.get_secret_value()
    try:
        try:
            client.admin.command("createUser", credentials.username, pwd=password, roles=ROLES)
        except OperationFailure as error:
            if error.code != USER_EXISTS:
                raise
            client.admin.command("updateUser", credentials.username, pwd=password, roles=ROLES)
    finally:
        client.close()
