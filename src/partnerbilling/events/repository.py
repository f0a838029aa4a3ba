"""Queries of the event log (the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import String

from partnerbilling.db import new_id
from partnerbilling.events.models import Event
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.sql import Statement

# A new webhook delivery's id (``whd_`` and 32 hex digits, as ``db.new_id("whd")`` would make),
# for the deliveries that SQL inserts in bulk.
NEW_DELIVERY_ID = "'whd_' || replace(gen_random_uuid()::text, '-', '')"


def insert_deliveries(events: str, at: str) -> str:
    """The one statement that decides which endpoints subscribe to an event: for each event of
    ``events`` (a relation ``ev`` of id, org_id and type), a pending delivery due ``at`` for every
    enabled endpoint of its recipient that takes its type (or ``*``). Used by the fan-out of new
    events and by redelivery."""
    return f"""
    INSERT INTO webhook_deliveries
        (id, event_id, endpoint_id, status, attempt_count, next_attempt_at, created_at)
    SELECT {NEW_DELIVERY_ID}, ev.id, w.id, 'pending', 0, {at}, {at}
    FROM {events} JOIN webhook_endpoints w
      ON w.org_id = ev.org_id AND w.enabled AND w.event_types && ARRAY[ev.type, '*']::varchar[]
    """


# The fan-out of events just written (a CTE ``ev``) at ``:created_at``.
FAN_OUT = insert_deliveries("ev", ":created_at")

# One round trip (every charge runs it): the events and their deliveries.
_RECORD = Statement(
    text(
        """
        WITH ev AS (
            INSERT INTO events (id, org_id, type, data, created_at)
            SELECT e.id, e.org_id, e.type, e.data, :created_at
            FROM unnest(:ids, :org_ids, :types, :datas) AS e(id, org_id, type, data)
            RETURNING id, org_id, type
        )
        """
        + FAN_OUT
    ).bindparams(
        bindparam("ids", type_=ARRAY(String)),
        bindparam("org_ids", type_=ARRAY(String)),
        bindparam("types", type_=ARRAY(String)),
        bindparam("datas", type_=ARRAY(JSONB)),
    )
)

# Public for the benchmark's raw reference, which sends the same statement.
RECORD = _RECORD


async def record(
    conn: AsyncConnection,
    events: Sequence[tuple[str, str, dict[str, Any]]],
    created_at: datetime,
) -> None:
    """Write ``(recipient org id, type, data)`` events in the caller's transaction."""
    if not events:
        return
    await _RECORD.execute(
        conn,
        {
            "ids": [new_id("evt") for _ in events],
            "org_ids": [org_id for org_id, _, _ in events],
            "types": [event_type for _, event_type, _ in events],
            "datas": [data for _, _, data in events],
            "created_at": created_at,
        },
    )


async def get_for_org(conn: AsyncConnection, org_id: str, event_id: str) -> Row[Any] | None:
    """One of the organisation's events."""
    result = await conn.execute(select(Event).where(Event.id == event_id, Event.org_id == org_id))
    return result.first()


async def list_for_org(
    conn: AsyncConnection, org_id: str, event_type: str | None, page: PageParams
) -> Sequence[Row[Any]]:
    """The organisation's events, newest first, optionally of one type."""
    stmt = select(Event).where(Event.org_id == org_id)
    if event_type is not None:
        stmt = stmt.where(Event.type == event_type)
    result = await conn.execute(keyset(stmt, Event.created_at, Event.id, page))
    return result.all()
