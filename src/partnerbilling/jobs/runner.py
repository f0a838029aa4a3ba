"""Running a claimed job to its end beside the live traffic, under a lease.

The worker keeps the job's lease while it runs: right after each batch of subscriptions (or
invoices) is claimed, and every third of the lease in between. The batch claims take the same
lease length, so when a worker dies its claims have lapsed by the time its job's lease has, and
the worker that resumes the job finds every due subscription free. Nothing is done twice: a
period already renewed is no longer due, and a dunning step is recorded only at the level it was
read at. The resumed run's report adds to what the first saved at its last heartbeat.

Between batches the run sleeps (``job_batch_pause``), works with ``job_concurrency`` tasks on its
own small pool, and each renewal is its own short transaction: the API keeps its latency.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.dunning import repository as dunning
from partnerbilling.dunning.runner import DunningReport, run_dunning
from partnerbilling.events.domain import NewEvent
from partnerbilling.events.repository import record_platform
from partnerbilling.events.schemas import EventType
from partnerbilling.failures import classify_exception
from partnerbilling.invoicing.runner import CloseReport, close_month, count_payers
from partnerbilling.jobs import repository
from partnerbilling.jobs.domain import Job, JobKind, JobStatus, merge_reports
from partnerbilling.journal.seal import seal
from partnerbilling.jsonio import JSON
from partnerbilling.renewals import repository as renewals
from partnerbilling.renewals.runner import RunReport, renew_due_subscriptions
from partnerbilling.retention.purge import purge_old
from partnerbilling.settings import Settings
from partnerbilling.visibility.dunning import dunning_result
from partnerbilling.visibility.invoicing import close_result
from partnerbilling.visibility.jobs import job_view
from partnerbilling.visibility.renewals import run_result

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker took the job over (this one was too slow to keep its lease)."""


@dataclass(slots=True)
class _Run:
    """A job being run: the lease it holds and the latest report of this worker's run."""

    engine: AsyncEngine
    job: Job
    lease: timedelta
    total: int | None
    report: JSON = field(default_factory=dict)
    done: int = 0

    async def heartbeat(self) -> None:
        """Extend the lease and save the progress (done so far, the report merged with what an
        earlier worker saved)."""
        async with transaction(self.engine) as conn:
            kept = await repository.heartbeat(
                conn,
                self.job,
                utcnow() + self.lease,
                self.job.progress_done + self.done,
                self.total,
                merge_reports(self.job.report, self.report),
            )
        if not kept:
            raise LeaseLost(self.job.id)


async def run_job(engine: AsyncEngine, job: Job, settings: Settings) -> Job | None:
    """Run a claimed job and record its end (``job.completed`` or ``job.failed``); None if its
    lease was lost to another worker, which then finishes it."""
    lease = timedelta(seconds=settings.job_lease_seconds)
    run = _Run(engine, job, lease, job.progress_total)
    try:
        if run.total is None:
            run.total = await _count_due(engine, job, settings)
        report = await _run_keeping_the_lease(run, settings)
    except Exception as exc:
        causes = _causes(exc)
        if any(isinstance(cause, LeaseLost) for cause in causes):
            log.warning("job %s: its lease went to another worker; leaving it", job.id)
            return None
        log.error("job %s failed", job.id, exc_info=causes[0])
        return await _finish(run, JobStatus.FAILED, run.report, _reason(causes[0]))
    return await _finish(run, JobStatus.COMPLETED, report, None)


def _causes(exc: BaseException) -> list[BaseException]:
    """The exceptions inside (nested) exception groups, or the exception itself."""
    if isinstance(exc, BaseExceptionGroup):
        return [cause for inner in exc.exceptions for cause in _causes(inner)]
    return [exc]


async def _run_keeping_the_lease(run: _Run, settings: Settings) -> JSON:
    async def after_batch() -> None:
        await run.heartbeat()
        if settings.job_batch_pause > 0:
            await asyncio.sleep(settings.job_batch_pause)

    async def keep_lease() -> None:
        while True:
            await asyncio.sleep(run.lease.total_seconds() / 3)
            try:
                await run.heartbeat()
            except LeaseLost:
                raise
            except Exception as exc:
                # A missed heartbeat leaves two thirds of the lease; the next batch's tries again.
                log.warning("job %s: could not keep its lease: %r", run.job.id, exc)

    async with asyncio.TaskGroup() as tasks:
        keeper = tasks.create_task(keep_lease())
        try:
            return await _RUNNERS[JobKind(run.job.kind)](run, settings, after_batch)
        finally:
            keeper.cancel()


Runner = Callable[[_Run, Settings, Callable[[], Awaitable[None]]], Awaitable[JSON]]


async def _run_renewals(run: _Run, settings: Settings, after_batch: Callable[[], Awaitable[None]]) -> JSON:
    def progress(report: RunReport) -> None:
        run.report, run.done = run_result(report), report.subscriptions

    report = await renew_due_subscriptions(
        run.engine,
        run.job.as_of,
        batch_size=settings.job_batch_size,
        concurrency=settings.job_concurrency,
        lease=run.lease,
        on_progress=progress,
        after_batch=after_batch,
    )
    progress(report)
    return run.report


async def _run_dunning(run: _Run, settings: Settings, after_batch: Callable[[], Awaitable[None]]) -> JSON:
    def progress(report: DunningReport) -> None:
        run.report, run.done = dunning_result(report), report.invoices

    report = await run_dunning(
        run.engine,
        run.job.as_of,
        settings.dunning_schedule_days,
        batch_size=settings.job_batch_size,
        concurrency=settings.job_concurrency,
        lease=run.lease,
        on_progress=progress,
        after_batch=after_batch,
    )
    progress(report)
    return run.report


async def _run_retention(run: _Run, settings: Settings, after_batch: Callable[[], Awaitable[None]]) -> JSON:
    run.report = await purge_old(run.engine, settings, run.job.as_of, after_batch)
    return run.report


async def _run_seal(run: _Run, settings: Settings, after_batch: Callable[[], Awaitable[None]]) -> JSON:
    async with transaction(run.engine) as conn:
        run.report = await seal(conn, utcnow())
    return run.report


async def _run_close(run: _Run, settings: Settings, after_batch: Callable[[], Awaitable[None]]) -> JSON:
    def progress(report: CloseReport) -> None:
        run.report, run.done = close_result(report), report.payers

    report = await close_month(
        run.engine, run.job.as_of, batch_size=settings.job_batch_size, on_progress=progress,
        after_batch=after_batch,
    )  # fmt: skip
    progress(report)
    return run.report


_RUNNERS: dict[JobKind, Runner] = {
    JobKind.RENEWALS: _run_renewals,
    JobKind.DUNNING: _run_dunning,
    JobKind.CLOSE: _run_close,
    JobKind.RETENTION: _run_retention,
    JobKind.SEAL: _run_seal,
}


async def _count_due(engine: AsyncEngine, job: Job, settings: Settings) -> int:
    if job.kind == JobKind.CLOSE:
        return await count_payers(engine, job.as_of)
    async with transaction(engine) as conn:
        if job.kind == JobKind.RENEWALS:
            return await renewals.count_due(conn, job.as_of)
        if job.kind == JobKind.DUNNING:
            first_step = timedelta(days=settings.dunning_schedule_days[0])
            return await dunning.count_due(conn, job.as_of - first_step)
        return 0  # the scheduled housekeeping runs count nothing ahead


async def _finish(run: _Run, status: JobStatus, report: JSON | None, error: str | None) -> Job | None:
    """Record the job's end and its event in one transaction; None if the lease was lost (or the
    database is gone: the lease then lapses and another worker resumes the job)."""
    merged = merge_reports(run.job.report, report) if report else run.job.report
    progress = (run.job.progress_done + run.done, run.total)
    event_type = EventType.JOB_COMPLETED if status is JobStatus.COMPLETED else EventType.JOB_FAILED
    try:
        async with transaction(run.engine) as conn:
            now = utcnow()
            finished = await repository.finish(conn, run.job, status, now, progress, merged, error)
            if finished is not None:
                await record_platform(conn, NewEvent(None, event_type, job_view(finished)), now)
    except Exception:
        log.exception("job %s: could not record its end; its lease will lapse", run.job.id)
        return None
    return finished


def _reason(exc: BaseException) -> str:
    _, code, detail = classify_exception(exc)
    return f"{code}: {detail} ({type(exc).__name__})"


async def claim_and_run(engine: AsyncEngine, settings: Settings) -> bool:
    """Claim the oldest job waiting for a worker (failing first those whose lease lapsed too
    often) and run it; False when none was waiting."""
    now = utcnow()
    async with transaction(engine) as conn:
        for given_up in await repository.abandon_lapsed(
            conn, now, settings.job_max_attempts, "abandoned: its worker stopped too often"
        ):
            await record_platform(conn, NewEvent(None, EventType.JOB_FAILED, job_view(given_up)), now)
        job = await repository.claim(conn, now, now + timedelta(seconds=settings.job_lease_seconds))
    if job is None:
        return False
    log.info("job %s (%s as of %s) taken, attempt %d", job.id, job.kind, job.as_of.isoformat(), job.attempts)
    await run_job(engine, job, settings)
    return True
