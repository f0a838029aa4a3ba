"""Recording events: one per recipient, each with the payload that recipient may see."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.events import repository

View = Callable[[str], dict[str, Any] | None]


async def emit(
    conn: AsyncConnection,
    event_type: str,
    recipients: Iterable[str | None],
    view: View,
    at: datetime,
) -> None:
    """Record ``event_type`` for each recipient that may see the object (``view`` returns its
    redacted JSON, or None to skip that recipient), in the caller's transaction."""
    await emit_many(conn, [(event_type, recipients, view)], at)


async def emit_many(
    conn: AsyncConnection,
    batch: Iterable[tuple[str, Iterable[str | None], View]],
    at: datetime,
) -> None:
    """Several events in one statement."""
    rows: list[tuple[str, str, dict[str, Any]]] = []
    for event_type, recipients, view in batch:
        for org_id in dict.fromkeys(r for r in recipients if r is not None):
            data = view(org_id)
            if data is not None:
                rows.append((org_id, event_type, data))
    await repository.record(conn, rows, at)
