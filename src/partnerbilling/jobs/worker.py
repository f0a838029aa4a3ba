"""The job worker: a task of ``partnerbilling worker`` (and of ``serve``'s in-process worker)
that takes jobs one at a time, on its own small pool of connections.

Stopping it cancels the job it runs: the job's lease then lapses and a worker resumes it (as
after a crash), with nothing done twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import make_engine, utcnow
from partnerbilling.jobs.runner import claim_and_run
from partnerbilling.schedules.starting import start_due_runs
from partnerbilling.settings import Settings

log = logging.getLogger(__name__)

_BACKOFF_AFTER_ERROR = 5.0


def job_engine(engine: AsyncEngine, settings: Settings) -> AsyncEngine:
    """The jobs' own pool on the same database: a run never takes the API's connections. One
    connection per concurrent task of the run, and one for claims and heartbeats."""
    url = engine.url.render_as_string(hide_password=False)
    return make_engine(
        url, settings, connections=max(settings.job_db_pool_size, settings.job_concurrency + 1)
    )


async def run_job_worker(engine: AsyncEngine, settings: Settings, stop: asyncio.Event) -> None:
    """Take and run jobs until ``stop`` is set."""
    jobs = job_engine(engine, settings)
    log.info("job worker started")
    next_look = 0.0  # at once: a run missed while no worker was up starts now
    try:
        while not stop.is_set():
            try:
                if time.monotonic() >= next_look:
                    next_look = time.monotonic() + settings.schedule_check_seconds
                    await start_due_runs(jobs, settings, utcnow())
                took = await _until_stopped(claim_and_run(jobs, settings), stop)
            except Exception:
                log.exception("job round failed; retrying in %.0f s", _BACKOFF_AFTER_ERROR)
                pause = _BACKOFF_AFTER_ERROR
            else:
                pause = 0.0 if took else settings.job_poll_interval
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
    finally:
        await jobs.dispose()
        log.info("job worker stopped")


async def _until_stopped(work: Coroutine[object, object, bool], stop: asyncio.Event) -> bool:
    """Await ``work``, cancelling it if ``stop`` is set first (False then), or if this task is
    cancelled itself."""
    task = asyncio.create_task(work)
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return False if task.cancelled() else task.result()
