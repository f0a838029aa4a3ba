"""The delivery worker: webhooks, outbox e-mail, and the purge of expired idempotency records.

Any number of workers may run against one database (``partnerbilling worker``, or inside
``partnerbilling serve``): they share the work through ``FOR UPDATE SKIP LOCKED`` claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.idempotency.repository import purge_expired
from partnerbilling.mail.sender import send_due_mails
from partnerbilling.settings import Settings
from partnerbilling.webhooks.delivery import deliver_due
from partnerbilling.webhooks.url_safety import webhook_transport

log = logging.getLogger(__name__)

PURGE_EVERY = 600.0
_BACKOFF_AFTER_ERROR = 5.0


async def run_worker(engine: AsyncEngine, settings: Settings, stop: asyncio.Event) -> None:
    """Deliver until ``stop`` is set; a round in progress is finished first."""
    log.info("delivery worker started")
    next_purge = time.monotonic()
    async with webhook_transport(settings) as transport:
        while not stop.is_set():
            pause = settings.worker_poll_interval
            try:
                delivered = await deliver_due(engine, settings, transport)
                mailed = await send_due_mails(engine, settings)
                if delivered >= settings.worker_batch_size or mailed > 0:
                    pause = 0.0  # there may be more due right away
                if time.monotonic() >= next_purge:
                    next_purge = time.monotonic() + PURGE_EVERY
                    await _purge_idempotency_records(engine)
            except Exception:  # the database may be down: keep the worker alive and retry
                log.exception("delivery round failed; retrying in %.0f s", _BACKOFF_AFTER_ERROR)
                pause = _BACKOFF_AFTER_ERROR
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
    log.info("delivery worker stopped")


async def _purge_idempotency_records(engine: AsyncEngine) -> None:
    async with transaction(engine) as conn:
        purged = await purge_expired(conn)
    if purged:
        log.info("purged %d expired idempotency records", purged)
