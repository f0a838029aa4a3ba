"""HTTP: the platform's dunning run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from partnerbilling.db import utcnow
from partnerbilling.dunning.schemas import DunningRun, DunningRunResult
from partnerbilling.jobs.domain import JobKind
from partnerbilling.jobs.router import RUN_RESPONSES, run_as_job
from partnerbilling.renewals import repository as renewals
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.web_auth import Platform

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])


@admin.post(
    "/dunning/run",
    response_model=DunningRunResult,
    summary="Take the due dunning steps",
    operation_id="runDunning",
    responses=RUN_RESPONSES,
)
async def run_dunning_steps(
    request: Request, conn: Conn, body: Annotated[DunningRun | None, Body()] = None
) -> Response:
    """Take, for every unpaid invoice past due at `as_of`, its next dunning step if one is due
    (reminder 1, reminder 2, final notice, suspension; `PARTNERBILLING_DUNNING_SCHEDULE_DAYS`
    days after `due_at`): at most one step per invoice per run, never one twice. A second call
    with the same `as_of` changes nothing.

    The run is a job, as the renewal run is: the request waits for it up to
    `PARTNERBILLING_JOB_WAIT_SECONDS` and answers its report, else 202 with the job."""
    # The request's own transaction (authentication, idempotency record) waits for the job.
    await renewals.no_idle_timeout(conn)
    as_of = body.as_of if body and body.as_of else utcnow()
    return await run_as_job(request, conn, JobKind.DUNNING, as_of)
