"""Use cases of the journal: listing it, and sealing its head of the day."""

from __future__ import annotations

from datetime import datetime

from partnerbilling.events.domain import NewEvent
from partnerbilling.events.repository import record_platform
from partnerbilling.events.schemas import EventType
from partnerbilling.journal import repository
from partnerbilling.jsonio import JSON
from partnerbilling.sql import Connection
from partnerbilling.visibility.journal import journal_record_view, seal_view


async def list_records(conn: Connection, after: int, limit: int) -> JSON:
    """Records after ``after``, oldest first, with the cursor of the next page."""
    records = await repository.page_after(conn, after, limit + 1)
    more = len(records) > limit
    records = records[:limit]
    return {
        "data": [journal_record_view(record) for record in records],
        "next_cursor": str(records[-1].seq) if more else None,
    }


async def seal(conn: Connection, now: datetime) -> JSON:
    """Publish the head (event ``journal.sealed`` on the platform's log); the seal."""
    seq, hash_, at = await repository.head_record(conn)
    sealed = seal_view(seq, hash_, at)
    await record_platform(conn, NewEvent(None, EventType.JOURNAL_SEALED, sealed), now)
    return sealed
