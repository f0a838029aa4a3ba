"""HTTP: the platform's renewal run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from partnerbilling.db import utcnow
from partnerbilling.jobs.domain import JobKind
from partnerbilling.jobs.router import RUN_RESPONSES, run_as_job
from partnerbilling.renewals import repository
from partnerbilling.renewals.schemas import RenewalRun, RenewalRunResult
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.web_auth import Platform

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])


@admin.post(
    "/renewals/run",
    response_model=RenewalRunResult,
    summary="Renew due subscriptions",
    operation_id="runRenewals",
    responses=RUN_RESPONSES,
)
async def run_renewals(
    request: Request, conn: Conn, body: Annotated[RenewalRun | None, Body()] = None
) -> Response:
    """Renew every active auto-renewing subscription whose period ends at or before `as_of`,
    once per period, as many periods as are due, each renewal in its own transaction. A second
    call with the same `as_of` renews nothing. A failed renewal (say, no price in the payer's
    currency) is reported in `failures` and the run goes on.

    The run is a job that a worker executes, one at a time: the request waits for it up to
    `PARTNERBILLING_JOB_WAIT_SECONDS` (20) and answers its report, else 202 with the job. A
    request while a run is going on joins it for the same `as_of`, and is refused (409
    `job_running`) for another."""
    # The request's own transaction (authentication, idempotency record) waits for the job.
    await repository.no_idle_timeout(conn)
    as_of = body.as_of if body and body.as_of else utcnow()
    return await run_as_job(request, conn, JobKind.RENEWALS, as_of)
