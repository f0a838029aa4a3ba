"""Queries of webhook endpoints, their deliveries and the delivery attempts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Select, bindparam, delete, func, insert, select, text, update
from sqlalchemy.types import DateTime

from partnerbilling.events.models import Event as Events
from partnerbilling.events.repository import insert_deliveries
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.sql import (
    Connection,
    Statement,
    column_values,
    execute,
    fetch_all,
    fetch_one,
    fetch_value,
)
from partnerbilling.states import DeliveryStatus
from partnerbilling.webhooks.domain import Delivery, DeliveryAttempt, Endpoint
from partnerbilling.webhooks.models import DeliveryAttempt as DeliveryAttempts
from partnerbilling.webhooks.models import WebhookDelivery, WebhookEndpoint

# -- endpoints ---------------------------------------------------------------------------------


async def count_endpoints(conn: Connection, org_id: str) -> int:
    count = await fetch_value(
        conn, select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id)
    )
    return int(count or 0)


async def add_endpoint(conn: Connection, endpoint: Endpoint) -> Endpoint:
    added = await fetch_one(
        conn,
        insert(WebhookEndpoint).values(**column_values(endpoint)).returning(WebhookEndpoint),
        Endpoint,
    )
    assert added is not None  # an INSERT … RETURNING returns its row
    return added


async def get_endpoint(conn: Connection, org_id: str, endpoint_id: str) -> Endpoint | None:
    """One of the organisation's endpoints."""
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.org_id == org_id)
    return await fetch_one(conn, stmt, Endpoint)


async def list_endpoints(conn: Connection, org_id: str, page: PageParams) -> list[Endpoint]:
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id)
    return await fetch_all(conn, keyset(stmt, WebhookEndpoint.created_at, WebhookEndpoint.id, page), Endpoint)


async def change_endpoint(
    conn: Connection, endpoint_id: str, values: Mapping[str, object], only_if_enabled: bool = False
) -> Endpoint | None:
    stmt = update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    if only_if_enabled:
        stmt = stmt.where(WebhookEndpoint.enabled)
    return await fetch_one(conn, stmt.values(**values).returning(WebhookEndpoint), Endpoint)


async def delete_endpoint(conn: Connection, org_id: str, endpoint_id: str) -> bool:
    """Delete an endpoint with its deliveries and their attempts; true if it existed."""
    stmt = delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.org_id == org_id)
    return await execute(conn, stmt) > 0


async def abandon_pending(conn: Connection, endpoint_id: str) -> None:
    """Mark a disabled endpoint's undelivered deliveries as failed."""
    await execute(
        conn,
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.FAILED),
    )


# -- deliveries, as the API shows them ---------------------------------------------------------


def _deliveries() -> Select[WebhookDelivery, str]:
    return select(WebhookDelivery, Events.type.label("event_type")).join(
        Events, Events.id == WebhookDelivery.event_id
    )


async def list_deliveries(
    conn: Connection, endpoint_id: str, status: str | None, page: PageParams
) -> list[Delivery]:
    """An endpoint's deliveries, newest first."""
    stmt = _deliveries().where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    return await fetch_all(conn, keyset(stmt, WebhookDelivery.created_at, WebhookDelivery.id, page), Delivery)


async def get_delivery(conn: Connection, endpoint_id: str, delivery_id: str) -> Delivery | None:
    stmt = _deliveries().where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint_id)
    return await fetch_one(conn, stmt, Delivery)


async def get_deliveries(conn: Connection, delivery_ids: Sequence[str]) -> list[Delivery]:
    stmt = (
        _deliveries()
        .where(WebhookDelivery.id.in_(delivery_ids))
        .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
    )
    return await fetch_all(conn, stmt, Delivery)


async def attempts_of(conn: Connection, delivery_ids: Sequence[str]) -> dict[str, list[DeliveryAttempt]]:
    """The attempts of each delivery, oldest first."""
    attempts: dict[str, list[DeliveryAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
    if not delivery_ids:
        return attempts
    stmt = (
        select(DeliveryAttempts)
        .where(DeliveryAttempts.delivery_id.in_(delivery_ids))
        .order_by(DeliveryAttempts.attempted_at, DeliveryAttempts.id)
    )
    for attempt in await fetch_all(conn, stmt, DeliveryAttempt):
        attempts[attempt.delivery_id].append(attempt)
    return attempts


async def schedule_now(conn: Connection, delivery_id: str, at: datetime) -> None:
    """Start a delivery over: pending, due at once, with the whole retry schedule ahead."""
    await execute(
        conn,
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .values(status=DeliveryStatus.PENDING, attempt_count=0, next_attempt_at=at),
    )


_SCHEDULE_EVENT = Statement(
    text(
        insert_deliveries(
            "(SELECT CAST(:event_id AS varchar) AS id, CAST(:org_id AS varchar) AS org_id,"
            " CAST(:event_type AS varchar) AS type) AS ev",
            ":at",
        )
        + """
    ON CONFLICT ON CONSTRAINT uq_webhook_deliveries_event_endpoint DO UPDATE
        SET status = 'pending', attempt_count = 0, next_attempt_at = EXCLUDED.next_attempt_at
    RETURNING id
    """
    ).bindparams(bindparam("at", type_=DateTime(timezone=True)))
)


async def schedule_event(
    conn: Connection, org_id: str, event_id: str, event_type: str, at: datetime
) -> list[str]:
    """Schedule an event anew to each enabled endpoint of the organisation that takes its type."""
    values = {"org_id": org_id, "event_id": event_id, "event_type": event_type, "at": at}
    return await _SCHEDULE_EVENT.rows(conn, values, _delivery_id)


def _delivery_id(id: str) -> str:
    return id
