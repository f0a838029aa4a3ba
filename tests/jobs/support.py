"""Helpers of the job tests: an application whose job worker the test runs itself, subscriptions
due for renewal, and the books read back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.settings import Settings
from tests.renewals.support import backdate
from tests.support import Api, World, rows

# Runs that take longer than their request waits: batches of two, a pause between them.
SLOW = {
    "job_wait_seconds": 0.3,
    "job_batch_size": 2,
    "job_batch_pause": 0.1,
    "job_poll_interval": 0.05,
}


@asynccontextmanager
async def app_without_worker(db: AsyncEngine, settings: Settings) -> AsyncIterator[Api]:
    """The application with these settings and no job worker: the test starts workers."""
    app = create_app(settings, engine=db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield Api(http)


async def due_subscriptions(api: Api, db: AsyncEngine, w: World, n: int, years: int) -> list[str]:
    """``n`` subscriptions, half ordered by Acme itself and half by its partner, each ``years``
    periods behind."""
    ids = []
    for i in range(n):
        who = w.acme if i % 2 else w.agency
        order = await api.order(who, w.acme, "web-hosting-pro" if i % 3 else "domain-ch")
        await backdate(db, order["subscription_id"], 12 * years)
        ids.append(order["subscription_id"])
    return ids


async def until(condition: Any, seconds: float = 30.0) -> None:
    """Wait until the awaitable-returning ``condition()`` is true."""
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def books(db: AsyncEngine) -> dict[str, Any]:
    """What the renewals wrote: orders per subscription period, invoices and cashback entries
    per order."""
    per_period = await rows(
        db,
        "SELECT subscription_id, period_start, count(*) AS n FROM orders"
        " GROUP BY subscription_id, period_start",
    )
    per_order = await rows(
        db,
        "SELECT o.id, (SELECT count(*) FROM invoices i WHERE i.order_id = o.id) AS invoices,"
        " (SELECT count(*) FROM cashback_entries c WHERE c.order_id = o.id) AS cashback"
        " FROM orders o WHERE o.kind = 'renewal'",
    )
    return {
        "renewals": len(per_order),
        "most_orders_per_period": max(row.n for row in per_period),
        "invoices_per_order": {row.invoices for row in per_order},
        "most_cashback_per_order": max((row.cashback for row in per_order), default=0),
    }
