"""Telling that the database restarted, from the process id in its `hello` reply.

A database acknowledges a write once the write is in its journal buffer, not on disk (MongoDB's
default `j: false`; the embedded SecantusDB alike), so when it is killed it may come back
without the writes it acknowledged last: a status record, a stored document, the note of
where an event landed. The pipeline already went on past them (offsets committed), so nothing
redelivers them. A service that sees the database restart therefore looks at once for what
such a loss strands (ingest: documents short of a final status or without a record; store:
documents stored but not published), instead of waiting for the stale sweep.

`topologyVersion.processId` is new in every server process (MongoDB 4.4 and later, and
SecantusDB); a server that reports none is never taken to have restarted. A fail-over to another
member of a replica set changes it too, and may lose unreplicated writes just the same.

The process a service last recovered from is kept in the database, not in the service: a
service that starts after the database restarted (a host that rebooted restarts them all)
still sees the restart, and one instance's recovery serves the others.
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient, WriteConcern

from shared.events import utcnow

COLLECTION = "database_processes"


async def database_process(client: AsyncMongoClient[dict[str, Any]]) -> object | None:
    """The id of the database's server process, or None when it reports none."""
    reply = await client.admin.command("hello")
    topology = reply.get("topologyVersion")
    return topology.get("processId") if isinstance(topology, dict) else None


class RestartWatch:
    """Whether the database process is another than the one `service` last recovered from.

    A restart is taken as handled only once the service's recovery pass succeeded
    (`handled`), so a pass that fails (the database away again) is tried at the next check.
    The note is written with `j: true`: it is rare, and a note the database loses would make
    the next check recover once more, never less.
    """

    def __init__(
        self, client: AsyncMongoClient[dict[str, Any]], database: str, service: str
    ) -> None:
        self.client = client
        self.notes = client[database][COLLECTION].with_options(write_concern=WriteConcern(j=True))
        self.service = service

    async def restarted(self) -> object | None:
        """The process id when the database restarted since the last recovery, else None.

        The first process a deployment ever sees is no restart: nothing was written before it.
        """
        current = await database_process(self.client)
        if current is None:
            return None
        note = await self.notes.find_one({"_id": self.service})
        if note is None:
            await self.handled(current)
            return None
        return None if note.get("process_id") == current else current

    async def handled(self, process_id: object) -> None:
        await self.notes.update_one(
            {"_id": self.service},
            {"$set": {"process_id": process_id, "at": utcnow()}},
            upsert=True,
        )
