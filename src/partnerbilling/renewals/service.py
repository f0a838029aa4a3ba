"""Renewals: charge a subscription's next period like an order, by hand (one period at a time)
or automatically (the runner in :mod:`partnerbilling.renewals.runner`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.billing.renewal import automatic_channel, next_period
from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode, Channel
from partnerbilling.catalog import repository as catalog
from partnerbilling.db import utcnow
from partnerbilling.errors import Conflict, Unprocessable
from partnerbilling.orders.service import Charge, charge
from partnerbilling.organizations import repository as organizations
from partnerbilling.subscriptions import repository as subscriptions
from partnerbilling.subscriptions.service import load_for_action
from partnerbilling.visibility import subscription_view


class SubscriptionCancelled(Conflict):
    code, title = "subscription_cancelled", "The subscription is cancelled"


class ProductUnavailable(Unprocessable):
    code, title = "product_unavailable", "The subscription's product is no longer in the catalogue"


@dataclass(frozen=True, slots=True)
class Renewed:
    """One renewed period: the renewal order (as :func:`order_view` reads it) and the
    subscription's new current period."""

    order: Any
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True, slots=True)
class Parties:
    """A subscription's customer and product as the runner read them for a batch of renewals
    (a fraction of a second earlier), so that each renewal need not read them again."""

    customer: Row[Any]
    product: Row[Any]


async def renew_subscription(conn: AsyncConnection, caller_id: str, subscription_id: str) -> Renewed:
    """Renew one period now, as the customer (channel direct) or its full-access partner
    (channel partner), priced by today's catalogue and the partnership as it is now."""
    action = await load_for_action(conn, caller_id, subscription_id)
    if action.subscription.status == "cancelled":
        raise SubscriptionCancelled("A cancelled subscription cannot be renewed.")
    return await _renew_period(
        conn, action.subscription, action.channel, caller_id, action.partnership, None, None
    )


async def renew_due_period(
    conn: AsyncConnection, subscription_id: str, as_of: datetime, parties: Parties | None = None
) -> Renewed | None:
    """The runner's step: renew the subscription's next period if it is still renewable and its
    current period ends at or before ``as_of``; else do nothing and return None. The runner's
    claim on it is let go once nothing more is due."""
    sub = await subscriptions.lock_for_renewal(conn, subscription_id)
    if sub is None:
        return None
    if sub.status != "active" or not sub.auto_renew or sub.current_period_end > as_of:
        await subscriptions.release_claim(conn, sub.id)
        return None
    partnership = None
    if sub.partnership_id is not None:
        partnership = ActivePartnership(
            sub.partnership_id, sub.partner_id, Access(sub.access), BillingMode(sub.billing_mode)
        )
    channel = automatic_channel(Channel(sub.origin_channel), sub.origin_partnership_id, partnership)
    return await _renew_period(conn, sub, channel, None, partnership, as_of, parties)


async def _renew_period(
    conn: AsyncConnection,
    sub: Row[Any],
    channel: Channel,
    placed_by_id: str | None,
    partnership: ActivePartnership | None,
    as_of: datetime | None,
    parties: Parties | None,
) -> Renewed:
    if parties is None:
        customer = await organizations.get(conn, sub.customer_id)
        product = await catalog.get_product(conn, sub.sku)
        if customer is None or product is None:
            raise ProductUnavailable(f"'{sub.sku}' is no longer in the catalogue.")
        parties = Parties(customer, product)
    start, end = next_period(sub.created_at, sub.current_period_end, parties.product.period_months)
    changes: dict[str, Any] = {"current_period_start": start, "current_period_end": end}
    if as_of is not None and end > as_of:
        changes["renewal_claimed_until"] = None
    await subscriptions.change(conn, sub.id, changes)
    renewed = SimpleNamespace(**{**sub._mapping, **changes})
    partner_id = partnership.partner_id if partnership else None
    event = (
        "subscription.renewed",
        [sub.customer_id, partner_id],
        lambda viewer: subscription_view(viewer, renewed, partner_id),
    )
    now = utcnow()
    order = await charge(
        conn,
        Charge(
            "renewal",
            parties.customer,
            parties.product,
            sub.quantity,
            channel,
            placed_by_id,
            partnership,
            sub.id,
            start,
            end,
            now,
            also_emit=(event,),
        ),
    )
    return Renewed(order, start, end)
