"""Queries of the jobs: creating one (one active per kind), claiming one under a lease, keeping
the lease and the progress, finishing it, and reading them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import ColumnElement
from sqlalchemy.types import DateTime, Integer, String, Text

from partnerbilling.jobs.domain import Job
from partnerbilling.jobs.models import Job as Jobs
from partnerbilling.jsonio import JSON
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.sql import Connection, Statement, fetch_all

_AT = DateTime(timezone=True)
_COLUMNS = ", ".join(column.name for column in Jobs.__table__.columns)

# Nothing when a job of the kind is queued or running (the partial unique index).
_CREATE = Statement(
    text(
        f"""
        INSERT INTO jobs (id, kind, status, as_of, created_at, attempts, progress_done)
        VALUES (:id, :kind, 'queued', :as_of, :now, 0, 0)
        ON CONFLICT (kind) WHERE status IN ('queued', 'running') DO NOTHING
        RETURNING {_COLUMNS}
        """
    ).bindparams(bindparam("as_of", type_=_AT), bindparam("now", type_=_AT))
)

_ACTIVE = Statement(
    text(f"SELECT {_COLUMNS} FROM jobs WHERE kind = :kind AND status IN ('queued', 'running')")
)

_GET = Statement(text(f"SELECT {_COLUMNS} FROM jobs WHERE id = :id"))

# The oldest job waiting for a worker, or running under a lease that lapsed (its worker is gone).
_CLAIM = Statement(
    text(
        f"""
        UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = :until,
            started_at = coalesce(started_at, :now)
        WHERE id = (
            SELECT id FROM jobs
            WHERE status = 'queued' OR (status = 'running' AND lease_until < :now)
            ORDER BY created_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
        )
        RETURNING {_COLUMNS}
        """
    ).bindparams(bindparam("now", type_=_AT), bindparam("until", type_=_AT))
)

# Jobs whose lease lapsed too often: a run that kills its worker every time is given up.
_ABANDON = Statement(
    text(
        f"""
        UPDATE jobs SET status = 'failed', finished_at = :now, lease_until = NULL, error = :error
        WHERE id IN (
            SELECT id FROM jobs
            WHERE status = 'running' AND lease_until < :now AND attempts >= :max_attempts
            FOR UPDATE SKIP LOCKED
        )
        RETURNING {_COLUMNS}
        """
    ).bindparams(bindparam("now", type_=_AT), bindparam("error", type_=Text))
)

# Only the worker holding the lease (``attempt``, its token) may write.
_HEARTBEAT = Statement(
    text(
        """
        UPDATE jobs SET lease_until = :until, progress_done = :done,
            progress_total = coalesce(progress_total, :total), report = :report
        WHERE id = :id AND attempts = :attempt AND status = 'running'
        """
    ).bindparams(
        bindparam("until", type_=_AT),
        bindparam("total", type_=Integer),
        bindparam("report", type_=JSONB),
    )
)

_FINISH = Statement(
    text(
        f"""
        UPDATE jobs SET status = :status, finished_at = :now, lease_until = NULL,
            progress_done = :done, progress_total = coalesce(progress_total, :total),
            report = :report, error = :error
        WHERE id = :id AND attempts = :attempt AND status = 'running'
        RETURNING {_COLUMNS}
        """
    ).bindparams(
        bindparam("now", type_=_AT),
        bindparam("total", type_=Integer),
        bindparam("report", type_=JSONB),
        bindparam("error", type_=Text),
        bindparam("status", type_=String),
    )
)


async def create(conn: Connection, job_id: str, kind: str, as_of: datetime, now: datetime) -> Job | None:
    """A new queued job, or None when one of the kind is queued or running."""
    return await _CREATE.row(conn, {"id": job_id, "kind": kind, "as_of": as_of, "now": now}, Job)


async def get_active(conn: Connection, kind: str) -> Job | None:
    """The job of the kind that is queued or running, if any."""
    return await _ACTIVE.row(conn, {"kind": kind}, Job)


async def get(conn: Connection, job_id: str) -> Job | None:
    return await _GET.row(conn, {"id": job_id}, Job)


async def list_page(conn: Connection, page: PageParams, kind: str | None = None) -> list[Job]:
    """Jobs, newest first."""
    stmt = select(Jobs)
    if kind is not None:
        condition: ColumnElement[bool] = Jobs.kind == kind
        stmt = stmt.where(condition)
    return await fetch_all(conn, keyset(stmt, Jobs.created_at, Jobs.id, page), Job)


async def claim(conn: Connection, now: datetime, until: datetime) -> Job | None:
    """Lease the oldest job that waits for a worker (or whose worker's lease lapsed)."""
    return await _CLAIM.row(conn, {"now": now, "until": until}, Job)


async def abandon_lapsed(conn: Connection, now: datetime, max_attempts: int, error: str) -> list[Job]:
    """Fail the jobs whose lease lapsed ``max_attempts`` times."""
    return await _ABANDON.rows(conn, {"now": now, "max_attempts": max_attempts, "error": error}, Job)


async def heartbeat(
    conn: Connection, job: Job, until: datetime, done: int, total: int | None, report: JSON
) -> bool:
    """Extend the lease and save the progress; False if the lease is no longer this worker's."""
    values = {
        "id": job.id, "attempt": job.attempts, "until": until, "done": done, "total": total,
        "report": report,
    }  # fmt: skip
    return await _HEARTBEAT.execute(conn, values) == 1


async def finish(
    conn: Connection,
    job: Job,
    status: str,
    now: datetime,
    progress: tuple[int, int | None],
    report: JSON | None,
    error: str | None,
) -> Job | None:
    """Record the end of the run (its progress: done, total); None if the lease is no longer
    this worker's."""
    values = {
        "id": job.id, "attempt": job.attempts, "status": status, "now": now, "done": progress[0],
        "total": progress[1], "report": report, "error": error,
    }  # fmt: skip
    return await _FINISH.row(conn, values, Job)
