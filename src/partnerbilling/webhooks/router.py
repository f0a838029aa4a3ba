"""HTTP: webhook endpoints, their deliveries, and redelivery."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from partnerbilling.idempotency.redaction import replayed_without
from partnerbilling.jsonio import JSON
from partnerbilling.openapi import problems
from partnerbilling.settings import Settings
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility import endpoint_view
from partnerbilling.web_auth import OrgId
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page
from partnerbilling.webhooks import service
from partnerbilling.webhooks.schemas import (
    DeliveriesScheduled,
    DeliveryList,
    DeliveryRead,
    DeliveryStatus,
    EndpointCreate,
    EndpointList,
    EndpointRead,
    EndpointUpdate,
    EndpointWithSecret,
)
from partnerbilling.webhooks.service import EndpointDisabled, TooManyEndpoints
from partnerbilling.webhooks.url_safety import WebhookUrlNotHttps, WebhookUrlPrivate

router = APIRouter(prefix="/v1", tags=["webhooks"], route_class=TransactionalRoute)

EndpointId = Annotated[str, Path(max_length=40, description="A webhook endpoint id.")]
DeliveryId = Annotated[str, Path(max_length=40, description="A delivery id.")]
EventId = Annotated[str, Path(max_length=40, description="An event id.")]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(_settings)]


@router.post(
    "/webhook-endpoints",
    status_code=201,
    response_model=EndpointWithSecret,
    summary="Create a webhook endpoint",
    operation_id="createWebhookEndpoint",
    responses=problems(TooManyEndpoints, WebhookUrlNotHttps, WebhookUrlPrivate),
)
@replayed_without("secret")
async def create_endpoint(conn: Conn, org_id: OrgId, settings: AppSettings, body: EndpointCreate) -> Response:
    """Receive your organisation's events at `url` (https, public address), signed per Standard
    Webhooks. `event_types` defaults to `["*"]` (all). The signing `secret` is in this response
    only: store it. 422 `webhook_url_not_https` / `webhook_url_private` for a refused URL."""
    return JsonResponse(await service.create_endpoint(conn, settings, org_id, body), status_code=201)


@router.get(
    "/webhook-endpoints",
    response_model=EndpointList,
    summary="List webhook endpoints",
    operation_id="listWebhookEndpoints",
)
async def list_endpoints(conn: Conn, org_id: OrgId, page: Page) -> Response:
    """Your organisation's endpoints, newest first (without secrets)."""
    return JsonResponse(await service.list_endpoints(conn, org_id, page))


@router.get(
    "/webhook-endpoints/{endpoint_id}",
    response_model=EndpointRead,
    summary="Get a webhook endpoint",
    operation_id="getWebhookEndpoint",
)
async def get_endpoint(conn: Conn, org_id: OrgId, endpoint_id: EndpointId) -> Response:
    """One of your endpoints (without its secret)."""
    return JsonResponse(endpoint_view(await service.get_endpoint(conn, org_id, endpoint_id)))


@router.patch(
    "/webhook-endpoints/{endpoint_id}",
    response_model=EndpointRead,
    summary="Update a webhook endpoint",
    operation_id="updateWebhookEndpoint",
    responses=problems(WebhookUrlNotHttps, WebhookUrlPrivate),
)
async def update_endpoint(
    conn: Conn, org_id: OrgId, settings: AppSettings, endpoint_id: EndpointId, body: EndpointUpdate
) -> Response:
    """Change `url`, `event_types`, `description` or `enabled`. Disabling marks its undelivered
    deliveries as failed; enabling clears `disabled_reason` and `failing_since`."""
    endpoint = await service.update_endpoint(conn, settings, org_id, endpoint_id, body)
    return JsonResponse(endpoint_view(endpoint))


@router.delete(
    "/webhook-endpoints/{endpoint_id}",
    status_code=204,
    summary="Delete a webhook endpoint",
    operation_id="deleteWebhookEndpoint",
)
async def delete_endpoint(conn: Conn, org_id: OrgId, endpoint_id: EndpointId) -> Response:
    """Delete the endpoint with its delivery log; the events stay in `GET /v1/events`."""
    await service.delete_endpoint(conn, org_id, endpoint_id)
    return Response(status_code=204)


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response_model=EndpointWithSecret,
    summary="Rotate the signing secret",
    operation_id="rotateWebhookSecret",
)
@replayed_without("secret")
async def rotate_secret(conn: Conn, org_id: OrgId, endpoint_id: EndpointId) -> Response:
    """A new signing secret, shown in this response only. For 24 hours every delivery carries two
    signatures in `webhook-signature` (new and previous secret), so you can switch without a gap."""
    return JsonResponse(await service.rotate_secret(conn, org_id, endpoint_id))


@router.get(
    "/webhook-endpoints/{endpoint_id}/deliveries",
    response_model=DeliveryList,
    summary="List an endpoint's deliveries",
    operation_id="listWebhookDeliveries",
)
async def list_deliveries(
    conn: Conn,
    org_id: OrgId,
    endpoint_id: EndpointId,
    page: Page,
    status: Annotated[DeliveryStatus | None, Query(description="Only deliveries in this state.")] = None,
) -> Response:
    """The delivery log, newest first: each event sent to the endpoint, its state, and every
    attempt (time, HTTP status, latency, error)."""
    return JsonResponse(await service.list_deliveries(conn, org_id, endpoint_id, status, page))


def _location(what: str) -> dict[int | str, JSON]:
    """A 202's ``Location`` header, declared: where to follow what was accepted."""
    return {202: {"headers": {"Location": {"description": what, "schema": {"type": "string"}}}}}


@router.post(
    "/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryRead,
    summary="Redeliver a delivery",
    operation_id="redeliverWebhookDelivery",
    responses={
        **_location("The endpoint's delivery log, with the delivery's attempts."),
        **problems(EndpointDisabled),
    },
)
async def redeliver(conn: Conn, org_id: OrgId, endpoint_id: EndpointId, delivery_id: DeliveryId) -> Response:
    """Send the delivery's event again as soon as possible, with the same `webhook-id` and the
    whole retry schedule ahead. 409 `webhook_endpoint_disabled` if the endpoint is disabled."""
    delivery = await service.redeliver(conn, org_id, endpoint_id, delivery_id)
    log = f"/v1/webhook-endpoints/{endpoint_id}/deliveries"
    return JsonResponse(delivery, status_code=202, headers={"Location": log})


@router.post(
    "/events/{event_id}/redeliver",
    status_code=202,
    response_model=DeliveriesScheduled,
    summary="Redeliver an event",
    operation_id="redeliverEvent",
    responses=_location("The event."),
)
async def redeliver_event(conn: Conn, org_id: OrgId, event_id: EventId) -> Response:
    """Send one of your events again to each of your enabled endpoints that takes its type,
    including endpoints created after the event. Returns the scheduled deliveries (possibly none)."""
    scheduled = await service.redeliver_event(conn, org_id, event_id)
    return JsonResponse(scheduled, status_code=202, headers={"Location": f"/v1/events/{event_id}"})
