"""The monthly close as a job: killed in the middle, it is resumed by another worker and every
payer's invoice is issued once; one close at a time."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from partnerbilling.jobs.worker import run_job_worker
from partnerbilling.settings import Settings
from tests.asserts import assert_problem
from tests.invoicing.support import next_month
from tests.jobs.support import SLOW, app_without_worker, until
from tests.support import Api, count, rows

LEASE = 1.5
PAYERS = 10


async def _monthly_payers(api: Api, n: int) -> None:
    await api.gold_catalogue()
    for i in range(n):
        payer = await api.org(f"Payer {i}")
        await api.ok(None, "PATCH", f"/v1/admin/organizations/{payer.id}", json={"invoicing": "monthly"})
        await api.order(payer, payer, "domain-ch")
        await api.order(payer, payer, "web-hosting-pro")


async def test_a_close_killed_mid_run_is_resumed_and_issues_every_invoice_once(
    db: AsyncEngine, settings: Settings
) -> None:
    crashing = settings.model_copy(update={**SLOW, "job_wait_seconds": 0.1, "job_lease_seconds": LEASE})
    async with app_without_worker(db, crashing) as api:
        await _monthly_payers(api, PAYERS)
        as_of = next_month()
        started = await api.admin("POST", "/v1/admin/invoicing/close", json={"as_of": as_of})
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        assert started.json()["kind"] == "close"
        other = await api.admin("POST", "/v1/admin/invoicing/close", json={"as_of": "2026-01-01T00:00:00Z"})
        assert_problem(other, 409, "job_running")

        first = asyncio.create_task(run_job_worker(db, crashing, asyncio.Event()))

        async def some_issued() -> bool:
            return await count(db, "invoices") >= 3

        await until(some_issued)
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await first
        assert 3 <= await count(db, "invoices") < PAYERS

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
        assert job["progress"]["total"] == PAYERS and job["report"]["failed"] == 0
        [per_payer] = await rows(db, "SELECT count(*) AS n, count(DISTINCT payer_id) AS payers FROM invoices")
        assert (per_payer.n, per_payer.payers) == (PAYERS, PAYERS)
        assert await count(db, "orders", "billing_status = 'billed'") == 2 * PAYERS
        assert await check_database(db) == []
