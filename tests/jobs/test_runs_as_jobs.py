"""The renewal and dunning runs as jobs: 202 when the run outlasts the request's wait, the job
followed to its end, one job per kind at a time, the jobs endpoints, the platform's events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import utcnow
from partnerbilling.jobs import runner
from partnerbilling.jobs.domain import JobKind
from partnerbilling.settings import Settings
from partnerbilling.visibility import rfc3339
from tests.asserts import assert_problem
from tests.conftest import running_jobs
from tests.jobs.support import SLOW, app_without_worker, books, due_subscriptions, until
from tests.support import Api, build_world, count


def _as_of(days: int = 0) -> str:
    as_of = rfc3339(utcnow() + timedelta(days=days))
    assert as_of is not None
    return as_of


async def _job(api: Api, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = await api.ok(None, "GET", f"/v1/admin/jobs/{job_id}")
    return job


async def test_a_run_longer_than_the_wait_is_a_job_that_completes_with_the_report(
    db: AsyncEngine, settings: Settings
) -> None:
    slow = settings.model_copy(update=SLOW)
    async with app_without_worker(db, slow) as api, running_jobs(db, slow):
        w = await build_world(api)
        subscriptions = await due_subscriptions(api, db, w, 8, years=2)
        as_of = _as_of()

        started = await api.admin("POST", "/v1/admin/renewals/run", json={"as_of": as_of})

        assert started.status_code == 202, started.text
        job = started.json()
        assert started.headers["location"] == f"/v1/admin/jobs/{job['id']}"
        assert (job["kind"], job["as_of"]) == ("renewals", as_of)
        assert job["status"] in ("queued", "running")
        assert set(job) >= {"id", "kind", "status", "as_of", "started_at", "progress", "report"}

        async def completed() -> bool:
            return bool((await _job(api, job["id"]))["status"] == "completed")

        await until(completed)
        done = await _job(api, job["id"])
        # The report is the one the 200 gives: exactly its fields.
        assert set(done["report"]) == {"as_of", "renewed", "failed", "skipped", "failures", "reasons"}
        assert (done["report"]["renewed"], done["report"]["failed"]) == (16, 0)
        assert done["report"]["as_of"] == as_of
        assert done["progress"] == {"done": 8, "total": 8}
        assert done["started_at"] is not None and done["finished_at"] is not None

        book = await books(db)
        assert book["renewals"] == 16
        assert book["most_orders_per_period"] == 1
        assert book["invoices_per_order"] == {1}
        assert book["most_cashback_per_order"] == 1
        for subscription_id in subscriptions:
            sub = await api.ok(w.acme, "GET", f"/v1/subscriptions/{subscription_id}")
            assert sub["current_period_end"] > as_of

        # Once done, the same run answers at once with its (empty) report.
        again = await api.ok(None, "POST", "/v1/admin/renewals/run", json={"as_of": as_of})
        assert (again["renewed"], again["failed"]) == (0, 0)


async def test_one_job_per_kind_another_as_of_is_refused_the_same_joins(
    db: AsyncEngine, settings: Settings
) -> None:
    quick = settings.model_copy(update={"job_wait_seconds": 0.1})
    async with app_without_worker(db, quick) as api:
        first_as_of = _as_of()
        first = await api.admin("POST", "/v1/admin/renewals/run", json={"as_of": first_as_of})
        assert first.status_code == 202  # no worker: it waits, queued

        other = await api.admin("POST", "/v1/admin/renewals/run", json={"as_of": _as_of(-1)})
        same = await api.admin("POST", "/v1/admin/renewals/run", json={"as_of": first_as_of})
        dunning = await api.admin("POST", "/v1/admin/dunning/run", json={"as_of": _as_of(-1)})

        body = assert_problem(other, 409, "job_running")
        assert first.json()["id"] in body["detail"]
        assert same.status_code == 202
        assert same.json()["id"] == first.json()["id"]
        # Another kind runs on its own.
        assert dunning.status_code == 202
        assert dunning.json()["kind"] == "dunning"

        async with running_jobs(db, quick):

            async def both_completed() -> bool:
                jobs = await api.ok(None, "GET", "/v1/admin/jobs")
                return [j["status"] for j in jobs["data"]] == ["completed", "completed"]

            await until(both_completed)
            # Free again: a run for another as_of is taken.
            later = await api.admin("POST", "/v1/admin/renewals/run", json={"as_of": _as_of(-1)})
            assert later.status_code in (200, 202), later.text


async def test_the_jobs_endpoints_are_the_platforms_and_list_newest_first(api: Api) -> None:
    w = await build_world(api)
    as_ofs = [_as_of(days) for days in (-3, -2, -1)]
    for as_of in as_ofs:
        await api.ok(None, "POST", "/v1/admin/renewals/run", json={"as_of": as_of})
    await api.ok(None, "POST", "/v1/admin/dunning/run", json={"as_of": _as_of()})

    first = await api.ok(None, "GET", "/v1/admin/jobs?limit=3")
    rest = await api.ok(None, "GET", f"/v1/admin/jobs?limit=3&cursor={first['next_cursor']}")
    renewals = await api.ok(None, "GET", "/v1/admin/jobs?kind=renewals")

    assert [j["kind"] for j in first["data"]] == ["dunning", "renewals", "renewals"]
    assert [j["as_of"] for j in (*first["data"][1:], *rest["data"])] == as_ofs[::-1]
    assert rest["next_cursor"] is None and len(rest["data"]) == 1
    assert len(renewals["data"]) == 3 and {j["kind"] for j in renewals["data"]} == {"renewals"}
    assert all(j["status"] == "completed" for j in renewals["data"])

    job_id = first["data"][0]["id"]
    for who in (w.acme, w.agency):
        assert_problem(await api.call(who, "GET", "/v1/admin/jobs"), 403, "forbidden")
        assert_problem(await api.call(who, "GET", f"/v1/admin/jobs/{job_id}"), 403, "forbidden")
    assert_problem(await api.admin("GET", "/v1/admin/jobs/job_01jdq7x2m4c8n9p0r1s2t3v4w5"), 404, "not_found")
    assert_problem(await api.admin("GET", "/v1/admin/jobs?kind=payouts"), 422, "validation_error")


async def test_each_job_ends_with_an_event_on_the_platforms_log(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    report = await api.ok(None, "POST", "/v1/admin/renewals/run", json={"as_of": _as_of()})

    events = await api.ok(None, "GET", "/v1/admin/events?type=job.completed")
    [event] = events["data"]
    [job] = (await api.ok(None, "GET", "/v1/admin/jobs"))["data"]
    assert event["type"] == "job.completed"
    assert event["data"] == job
    assert event["data"]["report"] == report
    # Never an organisation's.
    assert await count(db, "events", "type LIKE 'job.%' AND org_id IS NOT NULL") == 0
    seen_by_acme = (await api.ok(w.acme, "GET", "/v1/events?limit=100"))["data"]
    assert seen_by_acme and not [e for e in seen_by_acme if e["type"].startswith("job.")]


async def test_a_failed_run_is_a_failed_job_with_its_event_and_a_503(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> dict[str, Any]:
        raise RuntimeError("the run broke")

    monkeypatch.setitem(runner._RUNNERS, JobKind.DUNNING, broken)

    response = await api.admin("POST", "/v1/admin/dunning/run", json={"as_of": _as_of()})

    body = assert_problem(response, 503, "job_failed")
    [job] = (await api.ok(None, "GET", "/v1/admin/jobs"))["data"]
    assert job["id"] in body["detail"]
    assert (job["status"], job["kind"]) == ("failed", "dunning")
    assert job["error"] and "RuntimeError" in job["error"]
    [event] = (await api.ok(None, "GET", "/v1/admin/events?type=job.failed"))["data"]
    assert event["data"] == job
    # The kind is free again.
    monkeypatch.undo()
    assert (await api.ok(None, "POST", "/v1/admin/dunning/run", json={"as_of": _as_of()}))["failed"] == 0
