"""Queries of webhook endpoints, their deliveries and the delivery attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select, text, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import DateTime

from partnerbilling.events.models import Event
from partnerbilling.events.repository import insert_deliveries
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.states import DeliveryStatus
from partnerbilling.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint

# -- endpoints ---------------------------------------------------------------------------------


async def count_endpoints(conn: AsyncConnection, org_id: str) -> int:
    count = await conn.scalar(
        select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id)
    )
    return int(count or 0)


async def add_endpoint(conn: AsyncConnection, values: dict[str, Any]) -> Row[Any]:
    result = await conn.execute(insert(WebhookEndpoint).values(**values).returning(WebhookEndpoint))
    return result.one()


async def get_endpoint(conn: AsyncConnection, org_id: str, endpoint_id: str) -> Row[Any] | None:
    """One of the organisation's endpoints."""
    result = await conn.execute(
        select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.org_id == org_id)
    )
    return result.first()


async def list_endpoints(conn: AsyncConnection, org_id: str, page: PageParams) -> Sequence[Row[Any]]:
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id)
    result = await conn.execute(keyset(stmt, WebhookEndpoint.created_at, WebhookEndpoint.id, page))
    return result.all()


async def change_endpoint(
    conn: AsyncConnection, endpoint_id: str, values: dict[str, Any], only_if_enabled: bool = False
) -> Row[Any] | None:
    stmt = update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    if only_if_enabled:
        stmt = stmt.where(WebhookEndpoint.enabled)
    result = await conn.execute(stmt.values(**values).returning(WebhookEndpoint))
    return result.first()


async def delete_endpoint(conn: AsyncConnection, org_id: str, endpoint_id: str) -> bool:
    """Delete an endpoint with its deliveries and their attempts; true if it existed."""
    result = await conn.execute(
        delete(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.org_id == org_id)
        .returning(WebhookEndpoint.id)
    )
    return result.first() is not None


async def abandon_pending(conn: AsyncConnection, endpoint_id: str) -> None:
    """Mark a disabled endpoint's undelivered deliveries as failed."""
    await conn.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.FAILED)
    )


# -- deliveries, as the API shows them ---------------------------------------------------------


def _deliveries() -> Select[WebhookDelivery, str]:
    return select(WebhookDelivery, Event.type.label("event_type")).join(
        Event, Event.id == WebhookDelivery.event_id
    )


async def list_deliveries(
    conn: AsyncConnection, endpoint_id: str, status: str | None, page: PageParams
) -> Sequence[Row[Any]]:
    """An endpoint's deliveries, newest first."""
    stmt = _deliveries().where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    result = await conn.execute(keyset(stmt, WebhookDelivery.created_at, WebhookDelivery.id, page))
    return result.all()


async def get_delivery(
    conn: AsyncConnection, endpoint_id: str, delivery_id: str
) -> Row[WebhookDelivery, str] | None:
    result = await conn.execute(
        _deliveries().where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint_id)
    )
    return result.first()


async def get_deliveries(
    conn: AsyncConnection, delivery_ids: Sequence[str]
) -> Sequence[Row[WebhookDelivery, str]]:
    result = await conn.execute(
        _deliveries()
        .where(WebhookDelivery.id.in_(delivery_ids))
        .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
    )
    return result.all()


async def attempts_of(conn: AsyncConnection, delivery_ids: Sequence[str]) -> dict[str, list[Row[Any]]]:
    """The attempts of each delivery, oldest first."""
    attempts: dict[str, list[Row[Any]]] = {delivery_id: [] for delivery_id in delivery_ids}
    if not delivery_ids:
        return attempts
    result = await conn.execute(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
        .order_by(DeliveryAttempt.attempted_at, DeliveryAttempt.id)
    )
    for row in result:
        attempts[row.delivery_id].append(row)
    return attempts


async def schedule_now(conn: AsyncConnection, delivery_id: str, at: datetime) -> None:
    """Start a delivery over: pending, due at once, with the whole retry schedule ahead."""
    await conn.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .values(status=DeliveryStatus.PENDING, attempt_count=0, next_attempt_at=at)
    )


_SCHEDULE_EVENT = text(
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


async def schedule_event(
    conn: AsyncConnection, org_id: str, event_id: str, event_type: str, at: datetime
) -> list[str]:
    """Schedule an event anew to each enabled endpoint of the organisation that takes its type."""
    result = await conn.execute(
        _SCHEDULE_EVENT, {"org_id": org_id, "event_id": event_id, "event_type": event_type, "at": at}
    )
    return [row.id for row in result]
