"""Renewals: charge a subscription's next period like an order, by hand (one period at a time)
or automatically (the runner in :mod:`partnerbilling.renewals.runner`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from partnerbilling.billing.charge import plan_charge
from partnerbilling.billing.domain import Order, PlannedEvent, Subscription
from partnerbilling.billing.renewal import automatic_channel, next_period, renewal_request
from partnerbilling.billing.routing import ActivePartnership, Channel
from partnerbilling.catalog import repository as catalog
from partnerbilling.catalog.domain import Product, product_of
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import Conflict, Unprocessable
from partnerbilling.events.schemas import EventType
from partnerbilling.orders.service import load_partner, refusals, save_charge
from partnerbilling.organizations import repository as organizations
from partnerbilling.organizations.domain import Organization, organization_of
from partnerbilling.renewals import repository
from partnerbilling.renewals.domain import PartnerOf, subscription_of
from partnerbilling.sql import Connection
from partnerbilling.states import OrderKind, SubscriptionStatus
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

    order: Order
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True, slots=True)
class Parties:
    """A subscription's customer and product as the runner read them for a batch of renewals
    (a fraction of a second earlier), so that each renewal need not read them again."""

    customer: Organization
    product: Product
    partner: PartnerOf | None = None  # the customer's active partner then, with its tier


@dataclass(frozen=True, slots=True)
class Claimed:
    """A subscription as the runner claimed it: where its current period ends, when its first
    period started, and its customer and product (None if the renewal must read them)."""

    subscription_id: str
    customer_id: str
    period_end: datetime
    anchor: datetime
    parties: Parties | None


async def renew_subscription(conn: Connection, caller_id: str, subscription_id: str) -> Renewed:
    """Renew one period now, as the customer (channel direct) or its full-access partner
    (channel partner), priced by today's catalogue and the partnership as it is now."""
    action = await load_for_action(conn, caller_id, subscription_id)
    if action.subscription.status == SubscriptionStatus.CANCELLED:
        raise SubscriptionCancelled("A cancelled subscription cannot be renewed.")
    sub = action.subscription
    parties = await _read_parties(conn, sub)
    renewed = await _advance(conn, sub, parties, as_of=None)
    return await _charge_period(conn, renewed, action.channel, caller_id, action.partnership, parties)


async def renew_due_period(conn: Connection, claimed: Claimed, as_of: datetime) -> Renewed | None:
    """The runner's step: renew the subscription's next period if it is still renewable and its
    current period ends at or before ``as_of``; else do nothing and return None. The runner's
    claim on it is let go once nothing more is due."""
    if claimed.parties is not None and claimed.period_end <= as_of:
        # Most often the subscription is still as claimed: advance it and lock the partnership
        # in one statement.
        start, end = next_period(claimed.anchor, claimed.period_end, claimed.parties.product.period_months)
        sub = await repository.advance(
            conn, claimed.subscription_id, claimed.customer_id, claimed.period_end, (start, end), end > as_of
        )
        if sub is not None:
            return await _renew_automatically(conn, subscription_of(sub), sub.partnership, claimed.parties)
    # It changed since (renewed by hand, cancelled), or its customer or product is not known yet.
    sub = await repository.lock(conn, claimed.subscription_id)
    if sub is None:
        return None
    if sub.status != SubscriptionStatus.ACTIVE or not sub.auto_renew or sub.current_period_end > as_of:
        await repository.release(conn, sub.id)
        return None
    parties = claimed.parties or await _read_parties(conn, sub)
    renewed = await _advance(conn, sub, parties, as_of)
    return await _renew_automatically(conn, renewed, sub.partnership, parties)


async def _renew_automatically(
    conn: Connection, renewed: Subscription, partnership: ActivePartnership | None, parties: Parties
) -> Renewed:
    """Charge a period the runner advanced: the channel of the order that created the
    subscription while its partnership lasts, else direct; placed by nobody."""
    channel = automatic_channel(Channel(renewed.origin_channel), renewed.origin_partnership_id, partnership)
    return await _charge_period(conn, renewed, channel, None, partnership, parties)


async def _read_parties(conn: Connection, sub: Subscription) -> Parties:
    customer = await organizations.get(conn, sub.customer_id)
    product = await catalog.get_product(conn, sub.sku)
    if customer is None or product is None:
        raise ProductUnavailable(f"'{sub.sku}' is no longer in the catalogue.")
    return Parties(customer, product)


async def _advance(
    conn: Connection, sub: Subscription, parties: Parties, as_of: datetime | None
) -> Subscription:
    """Move the locked subscription on to its next period; returns it as it is now."""
    start, end = next_period(sub.created_at, sub.current_period_end, parties.product.period_months)
    changes: dict[str, datetime | None] = {"current_period_start": start, "current_period_end": end}
    if as_of is not None and end > as_of:
        changes["renewal_claimed_until"] = None
    await subscriptions.change(conn, sub.id, changes)
    return replace(subscription_of(sub), current_period_start=start, current_period_end=end)


async def _charge_period(
    conn: Connection,
    renewed: Subscription,
    channel: Channel,
    placed_by_id: str | None,
    partnership: ActivePartnership | None,
    parties: Parties,
) -> Renewed:
    """Charge the subscription's (new) current period, and tell its customer and partner."""
    partner_id = partnership.partner_id if partnership else None
    event = PlannedEvent(
        EventType.SUBSCRIPTION_RENEWED,
        (renewed.customer_id, partner_id),
        lambda viewer: subscription_view(viewer, renewed, partner_id),
    )
    start, end = renewed.current_period_start, renewed.current_period_end
    customer, product = organization_of(parties.customer), product_of(parties.product)
    partner = await load_partner(conn, partnership, parties.partner)
    request = renewal_request(
        renewed, customer, product, channel, placed_by_id, partnership, partner, utcnow(), (event,)
    )
    with refusals(OrderKind.RENEWAL):
        plan = plan_charge(request, new_id)
    return Renewed(await save_charge(conn, plan), start, end)
