"""Queries of the schedules' runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.types import DateTime

from partnerbilling.sql import Connection, Statement

_AT = DateTime(timezone=True)

# Nothing when another worker started this scheduled time already (the key).
_CLAIM = Statement(
    text(
        """
        INSERT INTO schedule_runs (name, scheduled_at, job_id, created_at)
        VALUES (:name, :scheduled_at, :job_id, :now)
        ON CONFLICT (name, scheduled_at) DO NOTHING
        RETURNING name
        """
    ).bindparams(bindparam("scheduled_at", type_=_AT), bindparam("now", type_=_AT))
)

_LAST_RUNS = Statement(text("SELECT name, max(scheduled_at) AS at FROM schedule_runs GROUP BY name"))


async def claim(conn: Connection, name: str, scheduled_at: datetime, job_id: str, now: datetime) -> bool:
    """Record that ``scheduled_at`` of ``name`` started (as ``job_id``); False if it had."""
    values = {"name": name, "scheduled_at": scheduled_at, "job_id": job_id, "now": now}
    return await _CLAIM.value(conn, values) is not None


async def last_runs(conn: Connection) -> dict[str, datetime]:
    """Each schedule's latest scheduled time that started."""
    return dict(await _LAST_RUNS.rows(conn, {}, lambda name, at: (name, at)))
