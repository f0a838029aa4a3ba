"""Use cases of the jobs: start one (or join the running one), wait for it, read them."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import new_id, transaction, utcnow
from partnerbilling.errors import Conflict, NotFound, ServiceUnavailable
from partnerbilling.jobs import repository
from partnerbilling.jobs.domain import Job, JobKind, JobStatus
from partnerbilling.jsonio import JSON
from partnerbilling.pagination import PageParams, page_of
from partnerbilling.sql import Connection
from partnerbilling.visibility.base import rfc3339
from partnerbilling.visibility.jobs import job_view

# How often a request that waits for its job looks again: soon at first (a small run is done
# in a moment), then at most this often.
_FIRST_LOOK, _LOOK_EVERY = 0.02, 0.25


class JobRunning(Conflict):
    code, title = "job_running", "A job of this kind is running for another as_of"


class JobFailed(ServiceUnavailable):
    code, title = "job_failed", "The job failed"


async def start_job(engine: AsyncEngine, kind: JobKind, as_of: datetime) -> Job:
    """A new job for a worker, committed at once so that a worker can take it; or the one of
    the kind already queued or running for the same ``as_of`` (the request joins it). One for
    another ``as_of`` is a 409 ``job_running``."""
    for _ in range(3):  # the running one may end between the insert and the look
        async with transaction(engine) as conn:
            created = await repository.create(conn, new_id("job"), kind, as_of, utcnow())
            if created is not None:
                return created
            active = await repository.get_active(conn, kind)
        if active is None:
            continue
        if active.as_of == as_of:
            return active
        raise JobRunning(
            f"A {kind} job ({active.id}) is {active.status} for as_of {rfc3339(active.as_of)}; "
            "wait for it to finish (GET /v1/admin/jobs/{id}), or ask for that as_of to join it."
        )
    raise JobRunning(f"Jobs of kind {kind} keep starting and ending; retry.")


async def wait_for_job(conn: Connection, job: Job, seconds: float) -> Job:
    """The job once it has finished, or as it stands after ``seconds``."""
    deadline = time.monotonic() + seconds
    pause = _FIRST_LOOK
    while not job.finished and (left := deadline - time.monotonic()) > 0:
        await asyncio.sleep(min(pause, left))
        pause = min(pause * 2, _LOOK_EVERY)
        found = await repository.get(conn, job.id)
        assert found is not None  # jobs are never deleted
        job = found
    return job


def finished_report(job: Job) -> JSON | None:
    """The report a run's request answers with once its job completed; None while it runs (the
    request answers 202 with the job). A failed job is a 503 ``job_failed``."""
    if job.status == JobStatus.FAILED:
        raise JobFailed(f"The job {job.id} failed: {job.error}. See GET /v1/admin/jobs/{job.id}.")
    return job.report if job.status == JobStatus.COMPLETED else None


async def get_job(conn: Connection, job_id: str) -> Job:
    job = await repository.get(conn, job_id)
    if job is None:
        raise NotFound("No such job.")
    return job


async def list_jobs(conn: Connection, page: PageParams, kind: JobKind | None) -> JSON:
    """Jobs, newest first."""
    return page_of(await repository.list_page(conn, page, kind), page, job_view)
