"""HTTP: the platform's dunning run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from partnerbilling.db import utcnow
from partnerbilling.dunning.runner import run_dunning
from partnerbilling.dunning.schemas import DunningRun, DunningRunResult
from partnerbilling.renewals import repository as renewals
from partnerbilling.settings import Settings
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility.dunning import dunning_result
from partnerbilling.web_auth import Platform
from partnerbilling.web_json import JsonResponse

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])


@admin.post(
    "/dunning/run",
    response_model=DunningRunResult,
    summary="Take the due dunning steps",
    operation_id="runDunning",
)
async def run_dunning_steps(
    request: Request, conn: Conn, body: Annotated[DunningRun | None, Body()] = None
) -> Response:
    """Take, for every unpaid invoice past due at `as_of`, its next dunning step if one is due
    (reminder 1, reminder 2, final notice, suspension; `PARTNERBILLING_DUNNING_SCHEDULE_DAYS`
    days after `due_at`): at most one step per invoice per run, never one twice. A second call
    with the same `as_of` changes nothing."""
    # The request's own transaction (authentication, idempotency record) waits for the run.
    await renewals.no_idle_timeout(conn)
    as_of = body.as_of if body and body.as_of else utcnow()
    settings: Settings = request.app.state.settings
    report = await run_dunning(request.app.state.engine, as_of, settings.dunning_schedule_days)
    return JsonResponse(dunning_result(report))
