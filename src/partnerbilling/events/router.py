"""HTTP: the event log, each organisation's own redacted copy; and the platform's own log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from partnerbilling.events import service
from partnerbilling.events.documents import Event, EventList, PlatformEventList
from partnerbilling.events.schemas import OrganizationEventType, PlatformEventType
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import event_view
from partnerbilling.web_auth import OrgId, Platform
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

router = APIRouter(prefix="/v1", tags=["events"], route_class=TransactionalRoute)
admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

ONLY_THIS = "Only this type."
EventId = Annotated[str, Path(max_length=40, description="An event id.")]


@router.get("/events", response_model=EventList, summary="List your events", operation_id="listEvents")
async def list_events(
    conn: Conn,
    org_id: OrgId,
    page: Page,
    event_type: Annotated[
        OrganizationEventType | None, Query(alias="type", description="Only this type.")
    ] = None,
) -> Response:
    """Events addressed to your organisation, newest first: the catch-up companion of webhooks.
    Each event's `data` is the object as your organisation may see it."""
    return JsonResponse(await service.list_events(conn, org_id, event_type, page))


@router.get("/events/{event_id}", response_model=Event, summary="Get an event", operation_id="getEvent")
async def get_event(conn: Conn, org_id: OrgId, event_id: EventId) -> Response:
    """One of your organisation's events (else 404)."""
    return JsonResponse(event_view(await service.get_event(conn, org_id, event_id)))


@admin.get(
    "/events",
    response_model=PlatformEventList,
    summary="List the platform's events",
    operation_id="listPlatformEvents",
)
async def list_platform_events(
    conn: Conn,
    page: Page,
    event_type: Annotated[
        PlatformEventType | None, Query(alias="type", description="Only this type.")
    ] = None,
) -> Response:
    """The platform's own log, newest first: every change of an organisation
    (`organization.updated`, by the platform or the organisation itself) and of the issuer
    (`issuer.updated`), and the end of every job (`job.completed`, `job.failed`). These events
    are never sent to an organisation or a webhook."""
    return JsonResponse(await service.list_platform_events(conn, event_type, page))
