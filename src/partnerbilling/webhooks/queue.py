"""The delivery queue's statements, as the worker runs them: claim due deliveries under a lease,
record the attempts, apply their results, and track failing endpoints (the endpoints and the
deliveries as the API shows them: ``webhooks.repository``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import DateTime, Integer, String, Text

from partnerbilling.states import DeliveryStatus
from partnerbilling.webhooks.models import WebhookDelivery, WebhookEndpoint

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
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at == lease_until,
            )
            .values(status=DeliveryStatus.FAILED)
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
