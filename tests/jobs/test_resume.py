"""A job survives its worker: killed in the middle without giving its lease back, the job is
resumed by another worker once the lease lapses, and nothing is done twice."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.jobs.worker import run_job_worker
from partnerbilling.settings import Settings
from partnerbilling.visibility import rfc3339
from tests.jobs.support import SLOW, app_without_worker, books, due_subscriptions, until
from tests.support import build_world, count, rows

LEASE = 1.5


async def test_a_job_whose_worker_dies_is_resumed_by_another_with_nothing_twice(
    db: AsyncEngine, settings: Settings
) -> None:
    crashing = settings.model_copy(update={**SLOW, "job_wait_seconds": 0.1, "job_lease_seconds": LEASE})
    async with app_without_worker(db, crashing) as api:
        w = await build_world(api)
        await due_subscriptions(api, db, w, 10, years=2)
        as_of = rfc3339(utcnow())
        started = await api.admin("POST", "/v1/admin/renewals/run", json={"as_of": as_of})
        assert started.status_code == 202
        job_id = started.json()["id"]

        # The first worker renews a few, then dies: its task is cancelled, nothing given back.
        first = asyncio.create_task(run_job_worker(db, crashing, asyncio.Event()))

        async def some_renewed() -> bool:
            return await count(db, "orders", "kind = 'renewal'") >= 5

        await until(some_renewed)
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await first
        renewed_by_the_first = await count(db, "orders", "kind = 'renewal'")
        assert 5 <= renewed_by_the_first < 20
        [held] = await rows(db, "SELECT status, lease_until, attempts FROM jobs WHERE id = :id", id=job_id)
        assert (held.status, held.attempts) == ("running", 1)
        assert held.lease_until > utcnow()  # the lease was not given back

        # A second worker leaves the job alone while the lease runs, then resumes it.
        stop = asyncio.Event()
        second = asyncio.create_task(run_job_worker(db, crashing, stop))
        try:

            async def completed() -> bool:
                [job] = await rows(db, "SELECT status FROM jobs WHERE id = :id", id=job_id)
                return bool(job.status == "completed")

            await until(completed)
        finally:
            stop.set()
            await second

        job = await api.ok(None, "GET", f"/v1/admin/jobs/{job_id}")
        [resumed] = await rows(db, "SELECT attempts, started_at FROM jobs WHERE id = :id", id=job_id)
        assert resumed.attempts == 2
        assert job["finished_at"] >= rfc3339(held.lease_until)  # not before the lease lapsed
        assert job["progress"]["total"] == 10
        # The report counts what the first saved at its last batch (it may have renewed one
        # batch more, two subscriptions of two periods, before it died) and all the second did.
        assert job["report"]["failed"] == 0
        assert 20 - 4 <= job["report"]["renewed"] <= 20

        book = await books(db)
        assert book["renewals"] == 20  # every due period, once
        assert book["most_orders_per_period"] == 1
        assert book["invoices_per_order"] == {1}
        assert book["most_cashback_per_order"] == 1
        assert await count(db, "subscriptions", "renewal_claimed_until IS NOT NULL") == 0
        assert await count(db, "events", "type = 'job.completed'") == 1
        assert await count(db, "subscriptions", "current_period_end <= :t", t=utcnow()) == 0


async def test_a_job_that_keeps_killing_its_workers_is_given_up(db: AsyncEngine, settings: Settings) -> None:
    brief = settings.model_copy(
        update={"job_wait_seconds": 0.05, "job_lease_seconds": 0.2, "job_max_attempts": 1}
    )
    async with app_without_worker(db, brief) as api:
        started = await api.admin("POST", "/v1/admin/dunning/run", json={})
        job_id = started.json()["id"]
        # As if a worker had taken it and died.
        async with transaction(db) as conn:
            await conn.execute(
                text("UPDATE jobs SET status = 'running', attempts = 1, lease_until = :past"),
                {"past": utcnow() - timedelta(seconds=1)},
            )
        stop = asyncio.Event()
        worker = asyncio.create_task(run_job_worker(db, brief, stop))
        try:

            async def failed() -> bool:
                [job] = await rows(db, "SELECT status FROM jobs WHERE id = :id", id=job_id)
                return bool(job.status == "failed")

            await until(failed)
        finally:
            stop.set()
            await worker
        job = await api.ok(None, "GET", f"/v1/admin/jobs/{job_id}")
        assert "abandoned" in job["error"]
        [event] = (await api.ok(None, "GET", "/v1/admin/events?type=job.failed"))["data"]
        assert event["data"]["id"] == job_id
