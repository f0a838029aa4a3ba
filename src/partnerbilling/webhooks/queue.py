"""The delivery queue's statements, as the worker runs them: claim due deliveries under a lease,
record the attempts, apply their results, and track failing endpoints (the endpoints and the
deliveries as the API shows them: ``webhooks.repository``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import any_, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import DateTime, Integer, String, Text

from partnerbilling.sql import Connection, Statement
from partnerbilling.states import DeliveryStatus
from partnerbilling.webhooks.domain import ClaimedDelivery, DeliveryAttempt, DeliveryOutcome
from partnerbilling.webhooks.models import WebhookDelivery, WebhookEndpoint

_CLAIM = Statement(
    text(
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
)


async def claim_due(
    conn: Connection, now: datetime, limit: int, lease_until: datetime
) -> list[ClaimedDelivery]:
    """Take up to ``limit`` due deliveries that no other worker holds, leasing them until
    ``lease_until``: another worker takes one again only if this one never reports back."""
    values = {"now": now, "limit": limit, "lease_until": lease_until}
    return await _CLAIM.rows(conn, values, ClaimedDelivery)


_ADD_ATTEMPTS = Statement(
    text(
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
)

_FINISH = Statement(
    text(
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
)


async def add_attempts(conn: Connection, attempts: Sequence[DeliveryAttempt]) -> None:
    """Record attempts (of deliveries that still exist)."""
    if not attempts:
        return
    await _ADD_ATTEMPTS.execute(
        conn,
        {
            "ids": [a.id for a in attempts],
            "delivery_ids": [a.delivery_id for a in attempts],
            "attempted_ats": [a.attempted_at for a in attempts],
            "status_codes": [a.status_code for a in attempts],
            "latencies": [a.latency_ms for a in attempts],
            "errors": [a.error for a in attempts],
        },
    )


async def finish_attempts(conn: Connection, results: Sequence[DeliveryOutcome]) -> None:
    """Apply each attempt's result to its delivery, unless the worker's lease was lost (the
    delivery was taken again, redelivered or abandoned meanwhile)."""
    if not results:
        return
    await _FINISH.execute(
        conn,
        {
            "ids": [r.id for r in results],
            "leases": [r.lease_until for r in results],
            "statuses": [r.status for r in results],
            "attempt_counts": [r.attempt_count for r in results],
            "next_attempt_ats": [r.next_attempt_at for r in results],
            "attempted_ats": [r.attempted_at for r in results],
        },
    )


# Every round of the worker runs these: precompiled (partnerbilling.sql).
_FAIL_LEASED = Statement(
    update(WebhookDelivery)
    .where(
        WebhookDelivery.id == bindparam("delivery_id"),
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at == bindparam("lease_until"),
    )
    .values(status=DeliveryStatus.FAILED)
)

_ENDPOINT_IDS = bindparam("endpoint_ids", type_=ARRAY(String))

_MARK_HEALTHY = Statement(
    update(WebhookEndpoint)
    .where(WebhookEndpoint.id == any_(_ENDPOINT_IDS), WebhookEndpoint.failing_since.is_not(None))
    .values(failing_since=None)
)

_MARK_FAILING = Statement(
    update(WebhookEndpoint)
    .where(WebhookEndpoint.id == any_(_ENDPOINT_IDS), WebhookEndpoint.failing_since.is_(None))
    .values(failing_since=bindparam("at"))
)

_FAILING_SINCE = Statement(
    select(WebhookEndpoint.id).where(
        WebhookEndpoint.id == any_(_ENDPOINT_IDS),
        WebhookEndpoint.enabled,
        WebhookEndpoint.failing_since <= bindparam("cutoff"),
    )
)


async def fail_unattempted(conn: Connection, leases: Sequence[tuple[str, datetime]]) -> None:
    """Mark leased deliveries whose endpoint was disabled meanwhile as failed."""
    for delivery_id, lease_until in leases:
        await _FAIL_LEASED.execute(conn, {"delivery_id": delivery_id, "lease_until": lease_until})


async def mark_healthy(conn: Connection, endpoint_ids: Sequence[str]) -> None:
    """A success ends an endpoint's failing streak."""
    if endpoint_ids:
        await _MARK_HEALTHY.execute(conn, {"endpoint_ids": list(endpoint_ids)})


async def mark_failing(
    conn: Connection, endpoint_ids: Sequence[str], at: datetime, cutoff: datetime
) -> list[str]:
    """Start the failing streak of endpoints that had none; returns the enabled endpoints whose
    streak began at or before ``cutoff``."""
    if not endpoint_ids:
        return []
    ids = list(endpoint_ids)
    await _MARK_FAILING.execute(conn, {"endpoint_ids": ids, "at": at})
    return await _FAILING_SINCE.rows(conn, {"endpoint_ids": ids, "cutoff": cutoff}, _endpoint_id)


def _endpoint_id(id: str) -> str:
    return id
