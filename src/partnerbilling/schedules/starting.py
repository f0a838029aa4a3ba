"""The schedules at work: each worker looks, between jobs, whether a scheduled time has come,
and the first to claim it starts its run as a job.

A scheduled time starts once whatever the number of workers: its ``schedule_runs`` row (key
``(name, scheduled_at)``) is inserted ``ON CONFLICT DO NOTHING`` in the transaction that queues
the job, so one worker's insert wins and the others' change nothing. While a job of the kind is
queued or running (a run the API asked for), the scheduled time waits: the whole transaction is
rolled back and the next look tries again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import new_id, transaction
from partnerbilling.issuer.repository import zone as issuer_time_zone
from partnerbilling.jobs import repository as jobs
from partnerbilling.jobs.domain import Job
from partnerbilling.jsonio import JSON
from partnerbilling.schedules import repository
from partnerbilling.schedules.domain import Schedule, schedules
from partnerbilling.settings import Settings
from partnerbilling.sql import Connection
from partnerbilling.visibility.base import rfc3339

log = logging.getLogger(__name__)


class _KindBusy(Exception):
    """A job of the schedule's kind is queued or running: the scheduled time waits."""


async def start_due_runs(engine: AsyncEngine, settings: Settings, now: datetime) -> list[Job]:
    """Start the run of every schedule whose latest time at or before ``now`` has not started;
    the jobs started (by this worker)."""
    async with transaction(engine) as conn:
        zone = await issuer_time_zone(conn)
        started = await repository.last_runs(conn)
    due = [
        (schedule, at)
        for schedule in schedules(settings)
        if (at := schedule.latest_at_or_before(now, zone)) is not None and at != started.get(schedule.name)
    ]
    jobs_started = []
    for schedule, at in due:
        try:
            async with transaction(engine) as conn:
                job = await _start(conn, schedule, at, now)
        except _KindBusy:
            log.info("schedule %s: a %s job is running; %s waits", schedule.name, schedule.kind, at)
            continue
        if job is not None:
            log.info("schedule %s: started job %s for %s", schedule.name, job.id, at.isoformat())
            jobs_started.append(job)
    return jobs_started


async def _start(conn: Connection, schedule: Schedule, at: datetime, now: datetime) -> Job | None:
    job_id = new_id("job")
    if not await repository.claim(conn, schedule.name, at, job_id, now):
        return None  # another worker started it
    job = await jobs.create(conn, job_id, schedule.kind, at, now)
    if job is None:
        raise _KindBusy(schedule.name)
    return job


async def list_schedules(conn: Connection, settings: Settings, now: datetime) -> list[JSON]:
    """Each schedule with its cron expression, its last run and its next one."""
    zone = await issuer_time_zone(conn)
    last = await repository.last_runs(conn)
    return [
        {
            "name": schedule.name,
            "cron": schedule.cron or None,
            "enabled": schedule.enabled,
            "time_zone": zone.key,
            "job_kind": schedule.kind,
            "last_run_at": rfc3339(last.get(schedule.name)),
            "next_run_at": rfc3339(schedule.next_after(now, zone)),
        }
        for schedule in schedules(settings)
    ]
