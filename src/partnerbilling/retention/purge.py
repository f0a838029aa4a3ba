"""The retention run (SPEC §17): what is older than its setting is purged, a batch per short
transaction, so that the live traffic keeps its latency."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.jsonio import JSON
from partnerbilling.retention import repository
from partnerbilling.settings import Settings
from partnerbilling.sql import Connection
from partnerbilling.visibility.base import rfc3339

BATCH_SIZE = 1000

Purge = Callable[[Connection, datetime, int], Awaitable[int]]


async def purge_old(
    engine: AsyncEngine, settings: Settings, as_of: datetime, after_batch: Callable[[], Awaitable[None]]
) -> JSON:
    """Purge the webhook deliveries and the sent e-mails' bodies older than
    ``retention_deliveries_days``, and the events' payloads older than ``retention_events_days``
    (as of ``as_of``); how many of each."""
    deliveries = as_of - timedelta(days=settings.retention_deliveries_days)
    events = as_of - timedelta(days=settings.retention_events_days)
    return {
        "as_of": rfc3339(as_of),
        "webhook_deliveries": await _in_batches(engine, repository.purge_deliveries, deliveries, after_batch),
        "mail_bodies": await _in_batches(engine, repository.purge_mail_bodies, deliveries, after_batch),
        "event_payloads": await _in_batches(engine, repository.purge_event_payloads, events, after_batch),
    }


async def _in_batches(
    engine: AsyncEngine, purge: Purge, cutoff: datetime, after_batch: Callable[[], Awaitable[None]]
) -> int:
    total = 0
    while True:
        async with transaction(engine) as conn:
            done = await purge(conn, cutoff, BATCH_SIZE)
        total += done
        if done < BATCH_SIZE:
            return total
        await after_batch()
