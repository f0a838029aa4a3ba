"""The schedules (SPEC §15): each scheduled time starts one run whatever the number of workers,
a run missed while no worker was up starts when one comes back (the latest missed time only),
and the list shows each one's last and next run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.jobs.worker import run_job_worker
from partnerbilling.schedules.starting import list_schedules, start_due_runs
from partnerbilling.settings import Settings
from tests.support import Api, rows

# 2026-12-08 05:00 UTC is 06:00 in Zurich: the seal's midnight has passed, the dunning's 06:00 is now.
NOW = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)
ZURICH_MIDNIGHT = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)


def _only(settings: Settings, **schedules: str) -> Settings:
    return settings.model_copy(update={"schedule_check_seconds": 3600.0, **schedules})


async def test_two_workers_and_one_scheduled_time_start_one_run(db: AsyncEngine, settings: Settings) -> None:
    enabled = _only(settings, schedule_seal="0 0 * * *", schedule_dunning="0 6 * * *")
    first, second = await asyncio.gather(*(start_due_runs(db, enabled, NOW) for _ in range(2)))
    started = sorted((job.kind, job.as_of) for job in [*first, *second])
    assert started == [("dunning", NOW), ("seal", ZURICH_MIDNIGHT)]
    again = await start_due_runs(db, enabled, NOW)
    assert again == []
    runs = await rows(db, "SELECT name, scheduled_at, job_id FROM schedule_runs ORDER BY name")
    assert [(r.name, r.scheduled_at) for r in runs] == [("dunning", NOW), ("seal", ZURICH_MIDNIGHT)]
    assert len(await rows(db, "SELECT id FROM jobs")) == 2


async def test_a_run_missed_while_no_worker_was_up_starts_when_one_comes_back(
    db: AsyncEngine, settings: Settings
) -> None:
    enabled = _only(settings, schedule_seal="0 0 * * *")
    await start_due_runs(db, enabled, datetime(2026, 12, 4, 12, 0, tzinfo=UTC))  # ran on the 4th
    # No worker for three days; one comes back: the latest missed midnight runs, only it.
    stop = asyncio.Event()
    looking = enabled.model_copy(update={"schedule_check_seconds": 0.05})
    worker = asyncio.create_task(run_job_worker(db, looking, stop))
    try:
        for _ in range(200):
            done = await rows(
                db, "SELECT as_of FROM jobs WHERE kind = 'seal' AND status = 'completed' ORDER BY as_of"
            )
            if len(done) == 2:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await worker
    runs = await rows(db, "SELECT scheduled_at FROM schedule_runs WHERE name = 'seal' ORDER BY scheduled_at")
    assert len(runs) == 2 and runs[1].scheduled_at > datetime(2026, 12, 6, tzinfo=UTC)
    [sealed, _] = await rows(db, "SELECT data FROM events WHERE type = 'journal.sealed' ORDER BY created_at")
    assert sealed.data == {"seq": 0, "hash": "0" * 64, "at": None}


async def test_the_schedules_show_their_last_and_next_run(
    api: Api, db: AsyncEngine, settings: Settings
) -> None:
    listed = (await api.ok(None, "GET", "/v1/admin/schedules"))["data"]
    assert [s["name"] for s in listed] == ["renewals", "dunning", "close", "retention", "seal"]
    assert all(s["enabled"] is False and s["next_run_at"] is None for s in listed)  # the tests' settings
    defaults = Settings(database_url=settings.database_url)
    await start_due_runs(db, _only(settings, schedule_renewals=defaults.schedule_renewals), NOW)
    async with db.connect() as conn:
        from partnerbilling.sql import held

        with held(conn) as raw:
            async with raw.transaction():
                shown = await list_schedules(conn, defaults, NOW)
    renewals = shown[0]
    assert renewals["cron"] == "0 2 * * *" and renewals["time_zone"] == "Europe/Zurich"
    assert renewals["last_run_at"] == "2026-12-08T01:00:00.000000Z"
    assert renewals["next_run_at"] == "2026-12-09T01:00:00.000000Z"
    assert shown[2]["cron"] == "30 0 1 * *" and shown[2]["last_run_at"] is None
    org = await api.org("Acme")
    assert (await api.call(org, "GET", "/v1/admin/schedules")).status_code == 403
