"""Queries of the event log (the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.types import String

from partnerbilling.db import new_id
from partnerbilling.events.domain import Event, NewEvent
from partnerbilling.events.models import Event as Events
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.sql import Connection, Statement, fetch_all, fetch_one

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

# The new events of a statement, as its CTE ``ev`` (id, org_id, type) for :data:`FAN_OUT`: one
# row per element of the parallel arrays ``:ids``, ``:org_ids``, ``:types``, ``:datas``, all at
# ``:created_at``. A charge writes its rows with it in one statement
# (:mod:`partnerbilling.orders.repository`).
NEW_EVENTS = """
    ev AS (
        INSERT INTO events (id, org_id, type, data, created_at)
        SELECT e.id, e.org_id, e.type, e.data, :created_at
        FROM unnest(:ids, :org_ids, :types, :datas) AS e(id, org_id, type, data)
        RETURNING id, org_id, type
    )
    """
# Its parameters' types (the arrays'; asyncpg takes them as lists).
NEW_EVENTS_PARAMS = (
    bindparam("ids", type_=ARRAY(String)),
    bindparam("org_ids", type_=ARRAY(String)),
    bindparam("types", type_=ARRAY(String)),
    bindparam("datas", type_=ARRAY(JSONB)),
)

# One round trip: the events and their deliveries.
_RECORD = Statement(text("WITH" + NEW_EVENTS + FAN_OUT).bindparams(*NEW_EVENTS_PARAMS))


def new_events_values(events: Sequence[NewEvent], created_at: datetime) -> dict[str, object]:
    """The parameters of :data:`NEW_EVENTS` for ``events`` (each given a new id)."""
    return {
        "ids": [new_id("evt") for _ in events],
        "org_ids": [event.org_id for event in events],
        "types": [event.type for event in events],
        "datas": [event.data for event in events],
        "created_at": created_at,
    }


async def record(
    conn: Connection,
    events: Sequence[NewEvent],
    created_at: datetime,
) -> None:
    """Write events in the caller's transaction (with their webhook deliveries)."""
    if not events:
        return
    await _RECORD.execute(conn, new_events_values(events, created_at))


async def record_platform(conn: Connection, event: NewEvent, created_at: datetime) -> None:
    """Write an event of the platform's own log (its ``org_id`` None: no organisation lists it,
    no endpoint subscribes to it), in the caller's transaction."""
    assert event.org_id is None, "an organisation's event is recorded by record()"
    await record(conn, [event], created_at)


async def list_platform(conn: Connection, event_type: str | None, page: PageParams) -> list[Event]:
    """The platform's own log, newest first, optionally of one type."""
    stmt = select(Events).where(Events.org_id.is_(None))
    if event_type is not None:
        stmt = stmt.where(Events.type == event_type)
    return await fetch_all(conn, keyset(stmt, Events.created_at, Events.id, page), Event)


async def get_for_org(conn: Connection, org_id: str, event_id: str) -> Event | None:
    """One of the organisation's events."""
    return await fetch_one(conn, select(Events).where(Events.id == event_id, Events.org_id == org_id), Event)


async def list_for_org(
    conn: Connection, org_id: str, event_type: str | None, page: PageParams
) -> list[Event]:
    """The organisation's events, newest first, optionally of one type."""
    stmt = select(Events).where(Events.org_id == org_id)
    if event_type is not None:
        stmt = stmt.where(Events.type == event_type)
    return await fetch_all(conn, keyset(stmt, Events.created_at, Events.id, page), Event)
