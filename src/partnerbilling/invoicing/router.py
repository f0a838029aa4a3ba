"""HTTP: monthly invoicing (SPEC §15): the payer's unbilled charges, and the monthly close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from partnerbilling.db import utcnow
from partnerbilling.invoicing import service
from partnerbilling.invoicing.schemas import CloseResult, CloseRun, UnbilledCharges
from partnerbilling.jobs.domain import JobKind
from partnerbilling.jobs.router import RUN_RESPONSES, run_as_job
from partnerbilling.renewals.repository import no_idle_timeout
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.web_auth import OrgId, Platform
from partnerbilling.web_json import JsonResponse

router = APIRouter(prefix="/v1", tags=["orders"], route_class=TransactionalRoute)
admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])


@router.get(
    "/charges/unbilled",
    response_model=UnbilledCharges,
    summary="List your unbilled charges",
    operation_id="listUnbilledCharges",
)
async def list_unbilled(conn: Conn, org_id: OrgId) -> Response:
    """The orders and renewals you pay that wait for the monthly close (your billing profile's
    `invoicing` is `monthly`, or was when they were charged), oldest first, with their nets per
    currency. Only the payer sees them here."""
    return JsonResponse(await service.unbilled(conn, org_id))


@admin.post(
    "/invoicing/close",
    response_model=CloseResult,
    summary="Close the month: invoice the unbilled charges",
    operation_id="closeMonth",
    responses=RUN_RESPONSES,
)
async def close_month(
    request: Request, conn: Conn, body: Annotated[CloseRun | None, Body()] = None
) -> Response:
    """Issue, for each payer and currency, one invoice for every charge unbilled before the
    first day of `as_of`'s month in the issuer's time zone: a line per charge, VAT once on the
    sum of the nets. A second close with the same `as_of` issues nothing; a later one bills
    what arrived since.

    The close is a job, as the renewal run: the request waits up to
    `PARTNERBILLING_JOB_WAIT_SECONDS` and answers its report, else 202 with the job; one at a
    time (409 `job_running` for another `as_of`)."""
    await no_idle_timeout(conn)
    as_of = body.as_of if body and body.as_of else utcnow()
    return await run_as_job(request, conn, JobKind.CLOSE, as_of)
