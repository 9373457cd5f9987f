"""Telling that the database restarted, from the process id in its `hello` reply.

A database acknowledges a write once the write is in its journal buffer, not on disk (MongoDB's
default `j: false`; the embedded SecantusDB alike), so when it is killed it may come back
without the writes it acknowledged last: a status record, a stored document, the note of
where an event landed. The pipeline already went on past them (offsets committed), so nothing
redelivers them. A service that sees the database restart therefore looks at once for what
such a loss strands (ingest: documents short of a final status or without a record; store:
documents stored but not published), instead of waiting for the stale sweep.

`topologyVersion.processId` is new in every server process (MongoDB 4.4 and later, and
SecantusDB); a server that reports none is never taken to have restarted.
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient


class RestartWatch:
    """The database process a service has seen, and whether the one it sees now is another.

    A restart is taken as handled only once the service's recovery pass succeeded
    (`handled`), so a pass that fails (the database away again) is tried at the next check.
    """

    def __init__(self) -> None:
        self.process_id: object | None = None

    def restarted(self, process_id: object | None) -> bool:
        """Whether `process_id` is another process than the one seen before; the first one
        seen is no restart, and is taken as seen."""
        if process_id is None:
            return False
        if self.process_id is None:
            self.process_id = process_id
            return False
        return process_id != self.process_id

    def handled(self, process_id: object | None) -> None:
        if process_id is not None:
            self.process_id = process_id


async def database_process(client: AsyncMongoClient[dict[str, Any]]) -> object | None:
    """The id of the database's server process, or None when it reports none."""
    reply = await client.admin.command("hello")
    topology = reply.get("topologyVersion")
    return topology.get("processId") if isinstance(topology, dict) else None
