"""HTTP: the platform's renewal run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from partnerbilling.db import utcnow
from partnerbilling.renewals import repository
from partnerbilling.renewals.runner import renew_due_subscriptions
from partnerbilling.renewals.schemas import RenewalRun, RenewalRunResult
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import run_result
from partnerbilling.web_auth import Platform
from partnerbilling.web_json import JsonResponse

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])


@admin.post(
    "/renewals/run",
    response_model=RenewalRunResult,
    summary="Renew due subscriptions",
    operation_id="runRenewals",
)
async def run_renewals(
    request: Request, conn: Conn, body: Annotated[RenewalRun | None, Body()] = None
) -> Response:
    """Renew every active auto-renewing subscription whose period ends at or before `as_of`,
    once per period, as many periods as are due, each renewal in its own transaction. A second
    call with the same `as_of` renews nothing. A failed renewal (say, no price in the payer's
    currency) is reported in `failures` and the run goes on."""
    # The request's own transaction (authentication, idempotency record) waits for the run.
    await repository.no_idle_timeout(conn)
    as_of = body.as_of if body and body.as_of else utcnow()
    report = await renew_due_subscriptions(request.app.state.engine, as_of)
    return JsonResponse(run_result(report))
