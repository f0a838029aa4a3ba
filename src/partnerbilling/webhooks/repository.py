"""Queries of webhook endpoints, their deliveries and the delivery attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import DateTime, Integer, String, Text

from partnerbilling.events.models import Event
from partnerbilling.events.repository import insert_deliveries
from partnerbilling.pagination import PageParams, keyset
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
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "pending")
        .values(status="failed")
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
        .values(status="pending", attempt_count=0, next_attempt_at=at)
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


# -- the worker --------------------------------------------------------------------------------

_CLAIM = text(
    """
    WITH due AS (
        SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= :now
        ORDER BY next_attempt_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    )
    UPDATE webhook_deliveries d SET next_attempt_at = :lease_until
    FROM due, webhook_endpoints w, events e
    WHERE d.id = due.id AND w.id = d.endpoint_id AND e.id = d.event_id
    RETURNING d.id, d.attempt_count, d.next_attempt_at AS lease_until,
              w.id AS endpoint_id, w.org_id, w.url, w.enabled, w.secret,
              w.previous_secret, w.previous_secret_expires_at,
              e.id AS event_id, e.type AS event_type, e.data AS event_data,
              e.created_at AS event_created_at
    """
).bindparams(
    bindparam("now", type_=DateTime(timezone=True)),
    bindparam("lease_until", type_=DateTime(timezone=True)),
)


async def claim_due(
    conn: AsyncConnection, now: datetime, limit: int, lease_until: datetime
) -> Sequence[Row[Any]]:
    """Take up to ``limit`` due deliveries that no other worker holds, leasing them until
    ``lease_until``: another worker takes one again only if this one never reports back."""
    result = await conn.execute(_CLAIM, {"now": now, "limit": limit, "lease_until": lease_until})
    return result.all()


_ADD_ATTEMPTS = text(
    """
    INSERT INTO webhook_delivery_attempts (id, delivery_id, attempted_at, status_code, latency_ms, error)
    SELECT a.id, a.delivery_id, a.attempted_at, a.status_code, a.latency_ms, a.error
    FROM unnest(:ids, :delivery_ids, :attempted_ats, :status_codes, :latencies, :errors)
         AS a(id, delivery_id, attempted_at, status_code, latency_ms, error)
    JOIN webhook_deliveries d ON d.id = a.delivery_id
    """
).bindparams(
    bindparam("ids", type_=ARRAY(String)),
    bindparam("delivery_ids", type_=ARRAY(String)),
    bindparam("attempted_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("status_codes", type_=ARRAY(Integer)),
    bindparam("latencies", type_=ARRAY(Integer)),
    bindparam("errors", type_=ARRAY(Text)),
)

_FINISH = text(
    """
    UPDATE webhook_deliveries d
    SET status = u.status, attempt_count = u.attempt_count, next_attempt_at = u.next_attempt_at,
        last_attempt_at = u.attempted_at
    FROM unnest(:ids, :leases, :statuses, :attempt_counts, :next_attempt_ats, :attempted_ats)
         AS u(id, lease_until, status, attempt_count, next_attempt_at, attempted_at)
    WHERE d.id = u.id AND d.status = 'pending' AND d.next_attempt_at = u.lease_until
    """
).bindparams(
    bindparam("ids", type_=ARRAY(String)),
    bindparam("leases", type_=ARRAY(DateTime(timezone=True))),
    bindparam("statuses", type_=ARRAY(String)),
    bindparam("attempt_counts", type_=ARRAY(Integer)),
    bindparam("next_attempt_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("attempted_ats", type_=ARRAY(DateTime(timezone=True))),
)


async def add_attempts(conn: AsyncConnection, attempts: Sequence[dict[str, Any]]) -> None:
    """Record attempts (of deliveries that still exist)."""
    if not attempts:
        return
    await conn.execute(
        _ADD_ATTEMPTS,
        {
            "ids": [a["id"] for a in attempts],
            "delivery_ids": [a["delivery_id"] for a in attempts],
            "attempted_ats": [a["attempted_at"] for a in attempts],
            "status_codes": [a["status_code"] for a in attempts],
            "latencies": [a["latency_ms"] for a in attempts],
            "errors": [a["error"] for a in attempts],
        },
    )


async def finish_attempts(conn: AsyncConnection, results: Sequence[dict[str, Any]]) -> None:
    """Apply each attempt's result to its delivery, unless the worker's lease was lost (the
    delivery was taken again, redelivered or abandoned meanwhile)."""
    if not results:
        return
    await conn.execute(
        _FINISH,
        {
            "ids": [r["id"] for r in results],
            "leases": [r["lease_until"] for r in results],
            "statuses": [r["status"] for r in results],
            "attempt_counts": [r["attempt_count"] for r in results],
            "next_attempt_ats": [r["next_attempt_at"] for r in results],
            "attempted_ats": [r["attempted_at"] for r in results],
        },
    )


async def fail_unattempted(conn: AsyncConnection, leases: Sequence[tuple[str, datetime]]) -> None:
    """Mark leased deliveries whose endpoint was disabled meanwhile as failed."""
    for delivery_id, lease_until in leases:
        await conn.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at == lease_until,
            )
            .values(status="failed")
        )


async def mark_healthy(conn: AsyncConnection, endpoint_ids: Sequence[str]) -> None:
    """A success ends an endpoint's failing streak."""
    if endpoint_ids:
        await conn.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id.in_(endpoint_ids), WebhookEndpoint.failing_since.is_not(None))
            .values(failing_since=None)
        )


async def mark_failing(
    conn: AsyncConnection, endpoint_ids: Sequence[str], at: datetime, cutoff: datetime
) -> list[str]:
    """Start the failing streak of endpoints that had none; returns the enabled endpoints whose
    streak began at or before ``cutoff``."""
    if not endpoint_ids:
        return []
    await conn.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id.in_(endpoint_ids), WebhookEndpoint.failing_since.is_(None))
        .values(failing_since=at)
    )
    result = await conn.execute(
        select(WebhookEndpoint.id).where(
            WebhookEndpoint.id.in_(endpoint_ids),
            WebhookEndpoint.enabled,
            WebhookEndpoint.failing_since <= cutoff,
        )
    )
    return [row.id for row in result]
