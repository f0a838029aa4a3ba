"""The daily seal (SPEC §17): the head of the journal published on the platform's log."""

from __future__ import annotations

from datetime import datetime

from partnerbilling.events.domain import NewEvent
from partnerbilling.events.repository import record_platform
from partnerbilling.events.schemas import EventType
from partnerbilling.journal import repository
from partnerbilling.jsonio import JSON
from partnerbilling.sql import Connection
from partnerbilling.visibility.journal import seal_view


async def seal(conn: Connection, now: datetime) -> JSON:
    """Publish the head (event ``journal.sealed`` on the platform's log); the seal."""
    seq, hash_, at = await repository.head_record(conn)
    sealed = seal_view(seq, hash_, at)
    await record_platform(conn, NewEvent(None, EventType.JOURNAL_SEALED, sealed), now)
    return sealed
