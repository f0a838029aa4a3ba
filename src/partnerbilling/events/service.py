"""Recording events: one per recipient, each with the payload that recipient may see."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from partnerbilling.errors import NotFound, ValidationFailed
from partnerbilling.events import repository
from partnerbilling.events.domain import Event, NewEvent
from partnerbilling.events.schemas import PLATFORM_EVENT_TYPES, EventType
from partnerbilling.jsonio import JSON
from partnerbilling.pagination import PageParams, page_of
from partnerbilling.sql import Connection
from partnerbilling.visibility import event_view

View = Callable[[str], JSON | None]

# The events of a :func:`batched` block, kept until it ends (None outside one).
_pending: ContextVar[_Pending | None] = ContextVar("partnerbilling_pending_events", default=None)


@dataclass(slots=True)
class _Pending:
    rows: list[NewEvent] = field(default_factory=list)
    at: datetime | None = None


@asynccontextmanager
async def batched(conn: Connection) -> AsyncIterator[None]:
    """Inside, the events emitted (each recipient's view computed as it is emitted) are kept and
    recorded in one statement when the block ends without an error, in the caller's transaction,
    dated by the last of them: for work that emits thousands, such as a bank file's payments."""
    pending = _Pending()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending.at is not None:
        await repository.record(conn, pending.rows, pending.at)


async def emit(
    conn: Connection,
    event_type: EventType,
    recipients: Iterable[str | None],
    view: View,
    at: datetime,
) -> None:
    """Record ``event_type`` for each recipient that may see the object (``view`` returns its
    redacted JSON, or None to skip that recipient), in the caller's transaction."""
    await emit_many(conn, [(event_type, recipients, view)], at)


async def emit_many(
    conn: Connection,
    batch: Iterable[tuple[EventType, Iterable[str | None], View]],
    at: datetime,
) -> None:
    """Several events in one statement."""
    rows: list[NewEvent] = []
    for name, recipients, view in batch:
        # A caller that escaped the type checker with a misspelt type fails here, before anything
        # is written.
        event_type = EventType(name)
        for org_id in dict.fromkeys(r for r in recipients if r is not None):
            data = view(org_id)
            if data is not None:
                rows.append(NewEvent(org_id, event_type, data))
    pending = _pending.get()
    if pending is None:
        await repository.record(conn, rows, at)
    else:
        pending.rows.extend(rows)
        pending.at = at if pending.at is None else max(pending.at, at)


async def get_event(conn: Connection, org_id: str, event_id: str) -> Event:
    """One of the caller's events, or 404."""
    event = await repository.get_for_org(conn, org_id, event_id)
    if event is None:
        raise NotFound("No such event.")
    return event


async def list_events(conn: Connection, org_id: str, event_type: str | None, page: PageParams) -> JSON:
    """The caller's events, newest first, optionally of one type."""
    rows = await repository.list_for_org(conn, org_id, event_type, page)
    return page_of(rows, page, event_view)


async def list_platform_events(conn: Connection, event_type: EventType | None, page: PageParams) -> JSON:
    """The platform's own log (``organization.updated``, ``issuer.updated``), newest first."""
    if event_type is not None and event_type not in PLATFORM_EVENT_TYPES:
        raise ValidationFailed(
            f"'{event_type}' is an organisation's event; the platform's log holds "
            f"{', '.join(sorted(PLATFORM_EVENT_TYPES))}.",
            errors=[{"loc": ["query", "type"], "msg": "not an event type of the platform's log"}],
        )
    rows = await repository.list_platform(conn, event_type, page)
    return page_of(rows, page, event_view)
