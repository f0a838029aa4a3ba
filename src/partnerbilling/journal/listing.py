"""The journal's listing (GET /v1/admin/journal)."""

from __future__ import annotations

from partnerbilling.journal import repository
from partnerbilling.jsonio import JSON
from partnerbilling.sql import Connection
from partnerbilling.visibility.journal import journal_record_view


async def list_records(conn: Connection, after: int, limit: int) -> JSON:
    """Records after ``after``, oldest first, with the cursor of the next page."""
    records = await repository.page_after(conn, after, limit + 1)
    more = len(records) > limit
    records = records[:limit]
    return {
        "data": [journal_record_view(record) for record in records],
        "next_cursor": str(records[-1].seq) if more else None,
    }
