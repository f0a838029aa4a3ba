"""Helpers for the renewal tests: subscriptions moved into the past, orders and events read back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.billing.periods import add_months
from partnerbilling.db import transaction
from partnerbilling.visibility import rfc3339
from tests.support import Api, Org


async def backdate(engine: AsyncEngine, subscription_id: str, months: int) -> None:
    """Move a subscription and its orders' periods ``months`` into the past, as if it had been
    created that long ago and never renewed since."""
    shift = f"interval '{int(months)} months'"
    async with transaction(engine) as conn:
        await conn.execute(
            text(
                f"UPDATE subscriptions SET created_at = created_at - {shift},"
                f" current_period_start = current_period_start - {shift},"
                f" current_period_end = current_period_end - {shift} WHERE id = :id"
            ),
            {"id": subscription_id},
        )
        await conn.execute(
            text(
                f"UPDATE orders SET period_start = period_start - {shift},"
                f" period_end = period_end - {shift} WHERE subscription_id = :id"
            ),
            {"id": subscription_id},
        )


async def renewal_orders(engine: AsyncEngine, subscription_id: str) -> list[Any]:
    """The subscription's renewal orders with their cashback entry, oldest period first."""
    async with engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT o.*, c.amount AS cashback_amount, c.partner_id AS cashback_partner_id"
                " FROM orders o LEFT JOIN cashback_entries c ON c.order_id = o.id"
                " WHERE o.subscription_id = :id AND o.kind = 'renewal' ORDER BY o.period_start"
            ),
            {"id": subscription_id},
        )
        return list(result)


async def events_of(engine: AsyncEngine, event_type: str) -> list[tuple[str, dict[str, Any]]]:
    """``(recipient org id, data)`` of every event of the type."""
    async with engine.connect() as conn:
        result = await conn.execute(
            text("SELECT org_id, data FROM events WHERE type = :t ORDER BY id"), {"t": event_type}
        )
        return [(row.org_id, row.data) for row in result]


async def subscription_row(engine: AsyncEngine, subscription_id: str) -> Any:
    async with engine.connect() as conn:
        result = await conn.execute(
            text("SELECT * FROM subscriptions WHERE id = :id"), {"id": subscription_id}
        )
        return result.one()


async def renew(api: Api, who: Org, subscription_id: str) -> Any:
    return await api.call(who, "POST", f"/v1/subscriptions/{subscription_id}/renew")


def years_later(at: str, years: int) -> str:
    """An API timestamp ``years`` later, as the API would show it."""
    later = rfc3339(add_months(datetime.fromisoformat(at), 12 * years))
    assert later is not None
    return later
