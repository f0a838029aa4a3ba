"""HTTP: the schedules (the platform's only)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from partnerbilling.db import utcnow
from partnerbilling.schedules.schemas import ScheduleList
from partnerbilling.schedules.starting import list_schedules
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.web_auth import Platform
from partnerbilling.web_json import JsonResponse

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])


@admin.get(
    "/schedules", response_model=ScheduleList, summary="List the schedules", operation_id="listSchedules"
)
async def get_schedules(request: Request, conn: Conn) -> Response:
    """Each scheduled run (renewals, dunning, the monthly close, retention, the journal's seal):
    its cron expression in the issuer's time zone, the last scheduled time that started and the
    next one."""
    return JsonResponse({"data": await list_schedules(conn, request.app.state.settings, utcnow())})
