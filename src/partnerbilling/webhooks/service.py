"""Webhook endpoints: create, change, rotate the secret, inspect and redeliver deliveries."""

from __future__ import annotations

from datetime import datetime, timedelta

from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import Conflict, NotFound, Unprocessable
from partnerbilling.events import service as events
from partnerbilling.events.schemas import EventType
from partnerbilling.fields import sent_fields
from partnerbilling.jsonio import JSON
from partnerbilling.mail import repository as mail
from partnerbilling.mail.messages import webhook_endpoint_disabled_mail
from partnerbilling.organizations import repository as organizations
from partnerbilling.pagination import PageParams, page_of
from partnerbilling.settings import Settings
from partnerbilling.sql import Connection
from partnerbilling.visibility import delivery_view, endpoint_view
from partnerbilling.webhooks import repository
from partnerbilling.webhooks.domain import Endpoint
from partnerbilling.webhooks.schemas import EndpointCreate, EndpointUpdate
from partnerbilling.webhooks.signing import new_secret
from partnerbilling.webhooks.url_safety import check_url

MAX_ENDPOINTS_PER_ORG = 20
PREVIOUS_SECRET_VALIDITY = timedelta(hours=24)


class TooManyEndpoints(Unprocessable):
    code, title = "too_many_webhook_endpoints", "The organisation has the maximum number of endpoints"


class EndpointDisabled(Conflict):
    code, title = "webhook_endpoint_disabled", "The webhook endpoint is disabled"


async def create_endpoint(conn: Connection, settings: Settings, org_id: str, data: EndpointCreate) -> JSON:
    """Register an endpoint; its signing secret is returned only here."""
    url = await check_url(data.url, settings)
    if await repository.count_endpoints(conn, org_id) >= MAX_ENDPOINTS_PER_ORG:
        raise TooManyEndpoints(f"An organisation may have at most {MAX_ENDPOINTS_PER_ORG} endpoints.")
    now = utcnow()
    secret = new_secret()
    endpoint = await repository.add_endpoint(
        conn,
        Endpoint(
            id=new_id("we"),
            org_id=org_id,
            url=url,
            description=data.description,
            event_types=data.event_types,
            enabled=data.enabled,
            secret=secret,
            previous_secret=None,
            previous_secret_expires_at=None,
            disabled_reason=None,
            failing_since=None,
            created_at=now,
            updated_at=now,
        ),
    )
    return {**endpoint_view(endpoint), "secret": secret}


async def get_endpoint(conn: Connection, org_id: str, endpoint_id: str) -> Endpoint:
    """One of the caller's endpoints, or 404."""
    endpoint = await repository.get_endpoint(conn, org_id, endpoint_id)
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    return endpoint


async def list_endpoints(conn: Connection, org_id: str, page: PageParams) -> JSON:
    """The caller's endpoints, newest first."""
    return page_of(await repository.list_endpoints(conn, org_id, page), page, endpoint_view)


async def update_endpoint(
    conn: Connection, settings: Settings, org_id: str, endpoint_id: str, data: EndpointUpdate
) -> Endpoint:
    """Change the URL, the event types, the description, or enable/disable the endpoint.
    Disabling abandons its undelivered deliveries; enabling clears the failure record."""
    endpoint = await get_endpoint(conn, org_id, endpoint_id)
    changes = sent_fields(data, "description")
    if "url" in changes:
        changes["url"] = await check_url(changes["url"], settings)
    if changes.get("enabled") is True and not endpoint.enabled:
        changes |= {"disabled_reason": None, "failing_since": None}
    if not changes:
        return endpoint
    updated = await repository.change_endpoint(conn, endpoint_id, {**changes, "updated_at": utcnow()})
    assert updated is not None
    if changes.get("enabled") is False:
        await repository.abandon_pending(conn, endpoint_id)
    return updated


async def delete_endpoint(conn: Connection, org_id: str, endpoint_id: str) -> None:
    """Delete an endpoint, its deliveries and their attempts; the events stay in the log."""
    if not await repository.delete_endpoint(conn, org_id, endpoint_id):
        raise NotFound("No such webhook endpoint.")


async def rotate_secret(conn: Connection, org_id: str, endpoint_id: str) -> JSON:
    """A new signing secret, returned only here. The previous one keeps signing (a second
    signature in ``webhook-signature``) for 24 hours, so receivers can switch without a gap."""
    endpoint = await get_endpoint(conn, org_id, endpoint_id)
    now = utcnow()
    secret = new_secret()
    updated = await repository.change_endpoint(
        conn,
        endpoint.id,
        {
            "secret": secret,
            "previous_secret": endpoint.secret,
            "previous_secret_expires_at": now + PREVIOUS_SECRET_VALIDITY,
            "updated_at": now,
        },
    )
    assert updated is not None  # the endpoint was just read in this transaction
    return {**endpoint_view(updated), "secret": secret}


async def list_deliveries(
    conn: Connection, org_id: str, endpoint_id: str, status: str | None, page: PageParams
) -> JSON:
    """An endpoint's deliveries, newest first, each with all its attempts."""
    await get_endpoint(conn, org_id, endpoint_id)
    rows = await repository.list_deliveries(conn, endpoint_id, status, page)
    attempts = await repository.attempts_of(conn, [row.id for row in rows[: page.limit]])
    return page_of(rows, page, lambda d: delivery_view(d, attempts[d.id]))


async def redeliver(conn: Connection, org_id: str, endpoint_id: str, delivery_id: str) -> JSON:
    """Send a delivery again as soon as possible, with the whole retry schedule ahead."""
    endpoint = await get_endpoint(conn, org_id, endpoint_id)
    if await repository.get_delivery(conn, endpoint_id, delivery_id) is None:
        raise NotFound("No such delivery.")
    if not endpoint.enabled:
        raise EndpointDisabled("Enable the endpoint before redelivering to it.")
    await repository.schedule_now(conn, delivery_id, utcnow())
    return await _delivery(conn, delivery_id)


async def redeliver_event(conn: Connection, org_id: str, event_id: str) -> JSON:
    """Send one of the caller's events again to each of its enabled endpoints that takes its
    type, including endpoints created after the event."""
    event = await events.get_event(conn, org_id, event_id)
    ids = await repository.schedule_event(conn, org_id, event.id, event.type, utcnow())
    rows = await repository.get_deliveries(conn, ids)
    attempts = await repository.attempts_of(conn, ids)
    return {"data": [delivery_view(row, attempts[row.id]) for row in rows]}


async def _delivery(conn: Connection, delivery_id: str) -> JSON:
    rows = await repository.get_deliveries(conn, [delivery_id])
    attempts = await repository.attempts_of(conn, [delivery_id])
    return delivery_view(rows[0], attempts[delivery_id])


async def disable_failing_endpoint(conn: Connection, endpoint_id: str, reason: str, at: datetime) -> None:
    """Disable an endpoint the worker gave up on, and tell its organisation: an event
    ``webhook_endpoint.disabled`` and an e-mail to its billing address."""
    endpoint = await repository.change_endpoint(
        conn,
        endpoint_id,
        {"enabled": False, "disabled_reason": reason, "updated_at": at},
        only_if_enabled=True,
    )
    if endpoint is None:  # already disabled (or deleted) meanwhile
        return
    await repository.abandon_pending(conn, endpoint_id)
    view = endpoint_view(endpoint)
    await events.emit(conn, EventType.WEBHOOK_ENDPOINT_DISABLED, [endpoint.org_id], lambda _: view, at)
    org = await organizations.get(conn, endpoint.org_id)
    if org is not None:
        subject, body = webhook_endpoint_disabled_mail(endpoint.url, reason, at)
        await mail.queue(conn, org.billing_email, subject, body, at)
