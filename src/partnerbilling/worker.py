"""The worker: webhooks, outbox e-mail, the purge of expired idempotency records, and jobs.

Several workers may run against one database (``partnerbilling worker``, or inside
``partnerbilling serve``): they share the work through ``FOR UPDATE SKIP LOCKED`` claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.idempotency.repository import purge_expired
from partnerbilling.jobs.worker import run_job_worker
from partnerbilling.mail.sender import send_due_mails
from partnerbilling.settings import Settings
from partnerbilling.webhooks.delivery import deliver_due
from partnerbilling.webhooks.url_safety import webhook_transport

log = logging.getLogger(__name__)

PURGE_EVERY = 600.0
_BACKOFF_AFTER_ERROR = 5.0


async def run_worker(engine: AsyncEngine, settings: Settings, stop: asyncio.Event) -> None:
    """Deliver, and run jobs (a task of its own, :mod:`partnerbilling.jobs.worker`), until
    ``stop`` is set; a delivery round in progress is finished first."""
    jobs = asyncio.create_task(run_job_worker(engine, settings, stop))
    try:
        await _deliver(engine, settings, stop)
    finally:
        stop.set()
        await jobs


async def _deliver(engine: AsyncEngine, settings: Settings, stop: asyncio.Event) -> None:
    log.info("delivery worker started")
    next_purge = time.monotonic()
    async with webhook_transport(settings) as transport:
        while not stop.is_set():
            # Each task fails alone: webhooks that cannot be recorded must not hold up the mail,
            # nor the other way round.
            delivered = await _survive("webhook delivery", deliver_due(engine, settings, transport))
            mailed = await _survive("mail", send_due_mails(engine, settings))
            purged: int | None = 0
            if time.monotonic() >= next_purge:
                next_purge = time.monotonic() + PURGE_EVERY
                purged = await _survive("idempotency purge", _purge_idempotency_records(engine))
            if delivered is None or mailed is None or purged is None:
                pause = _BACKOFF_AFTER_ERROR
            elif delivered >= settings.worker_batch_size or mailed > 0:
                pause = 0.0  # there may be more due right away
            else:
                pause = settings.worker_poll_interval
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
    log.info("delivery worker stopped")


async def _survive(task: str, work: Awaitable[int]) -> int | None:
    """The task's result, or None once its failure is logged (the database may be down): the
    worker stays alive and tries again after a pause."""
    try:
        return await work
    except Exception:
        log.exception("%s round failed; retrying in %.0f s", task, _BACKOFF_AFTER_ERROR)
        return None


async def _purge_idempotency_records(engine: AsyncEngine) -> int:
    async with transaction(engine) as conn:
        purged = await purge_expired(conn)
    if purged:
        log.info("purged %d expired idempotency records", purged)
    return purged
