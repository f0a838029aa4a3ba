"""Views of events, webhook endpoints and deliveries, as the organisation that owns them sees them."""

from __future__ import annotations

from collections.abc import Sequence

from partnerbilling.events.domain import Event
from partnerbilling.jsonio import JSON
from partnerbilling.states import DeliveryStatus
from partnerbilling.visibility.base import rfc3339
from partnerbilling.webhooks.domain import Delivery, DeliveryAttempt, Endpoint


def event_view(event: Event) -> JSON:
    """The event document, the same in the log and in a webhook's body."""
    return {
        "id": event.id,
        "type": event.type,
        "created_at": rfc3339(event.created_at),
        "data": event.data,
    }


def endpoint_view(e: Endpoint) -> JSON:
    """An endpoint as its organisation sees it; the secret is never part of it."""
    return {
        "id": e.id,
        "url": e.url,
        "description": e.description,
        "event_types": list(e.event_types),
        "enabled": e.enabled,
        "disabled_reason": e.disabled_reason,
        "failing_since": rfc3339(e.failing_since),
        "created_at": rfc3339(e.created_at),
        "updated_at": rfc3339(e.updated_at),
    }


def delivery_view(d: Delivery, attempts: Sequence[DeliveryAttempt]) -> JSON:
    return {
        "id": d.id,
        "endpoint_id": d.endpoint_id,
        "event_id": d.event_id,
        "event_type": d.event_type,
        "status": d.status,
        "next_attempt_at": rfc3339(d.next_attempt_at) if d.status == DeliveryStatus.PENDING else None,
        "last_attempt_at": rfc3339(d.last_attempt_at),
        "created_at": rfc3339(d.created_at),
        "attempts": [
            {
                "attempted_at": rfc3339(a.attempted_at),
                "status_code": a.status_code,
                "latency_ms": a.latency_ms,
                "error": a.error,
            }
            for a in attempts
        ],
    }
