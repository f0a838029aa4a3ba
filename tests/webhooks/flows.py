"""Steps shared by the delivery tests: record an event, register an endpoint, read the log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.events.schemas import EventType
from partnerbilling.events.service import emit
from partnerbilling.settings import Settings
from partnerbilling.webhooks.delivery import deliver_due
from tests.support import Api, Org


def quick(settings: Settings, **changes: Any) -> Settings:
    """The test settings with retries due at once and a short timeout."""
    return settings.model_copy(
        update={"webhook_retry_schedule": (0, 0, 0), "webhook_timeout": 2.0, **changes}
    )


async def emit_event(
    engine: AsyncEngine,
    org_id: str,
    event_type: EventType | str = EventType.INVOICE_PAID,
    data: dict[str, Any] | None = None,
) -> str:
    """Record one event for ``org_id`` as a domain service would; returns its id."""
    payload = data or {"id": "inv_test", "status": "paid"}
    async with transaction(engine) as conn:
        await emit(conn, EventType(event_type), [org_id], lambda _: payload, utcnow())
        event_id = await conn.scalar(
            text("SELECT id FROM events WHERE org_id = :o ORDER BY created_at DESC, id DESC LIMIT 1"),
            {"o": org_id},
        )
    assert isinstance(event_id, str)
    return event_id


async def add_endpoint(api: Api, org: Org, url: str, **fields: Any) -> dict[str, Any]:
    created: dict[str, Any] = await api.ok(org, "POST", "/v1/webhook-endpoints", json={"url": url, **fields})
    return created


async def delivered_once(
    api: Api, db: AsyncEngine, settings: Settings, url: str
) -> tuple[Org, dict[str, Any], str]:
    """Acme with one endpoint at ``url`` and one event already delivered to it: the org, the
    endpoint (with its secret) and the event id."""
    acme = await api.org("Acme")
    endpoint = await add_endpoint(api, acme, url)
    event_id = await emit_event(db, acme.id)
    await deliver_due(db, quick(settings))
    return acme, endpoint, event_id


async def deliveries(api: Api, org: Org, endpoint_id: str) -> list[dict[str, Any]]:
    page = await api.ok(org, "GET", f"/v1/webhook-endpoints/{endpoint_id}/deliveries")
    result: list[dict[str, Any]] = page["data"]
    return result


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with transaction(engine) as conn:
        return await conn.scalar(text(sql), params)
