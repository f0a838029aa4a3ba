"""Renewals: which period comes next, and the channel of an automatic renewal (SPEC §2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from partnerbilling.billing.charge import ChargeRequest
from partnerbilling.billing.domain import Organization, PlannedEvent, Product, Subscription
from partnerbilling.billing.periods import add_months
from partnerbilling.billing.routing import ActivePartnership, Channel
from partnerbilling.states import OrderKind


def next_period(anchor: datetime, period_end: datetime, months: int) -> tuple[datetime, datetime]:
    """The period after the one ending at ``period_end``: it starts there and lasts ``months``.

    Its end is counted in whole months from the subscription's ``anchor`` (the start of its
    first period), so that a clamped month end does not drift: Jan 31 → Feb 28 → Mar 31.
    """
    elapsed = (period_end.year - anchor.year) * 12 + period_end.month - anchor.month
    return period_end, add_months(anchor, elapsed + months)


def automatic_channel(
    origin_channel: Channel, origin_partnership_id: str | None, partnership: ActivePartnership | None
) -> Channel:
    """An automatic renewal keeps the channel of the order that created the subscription while
    that same partnership is active; once it has ended (or was replaced), the renewal is direct."""
    if (
        origin_channel is Channel.PARTNER
        and partnership is not None
        and partnership.id == origin_partnership_id
    ):
        return Channel.PARTNER
    return Channel.DIRECT


def renewal_request(
    renewed: Subscription,
    customer: Organization,
    product: Product,
    channel: Channel,
    placed_by_id: str | None,
    partnership: ActivePartnership | None,
    partner: Organization | None,
    at: datetime,
    also_emit: tuple[PlannedEvent, ...] = (),
) -> ChargeRequest:
    """The charge of a subscription's current period, the one it was just moved on to: one
    builder for the renewals and for the billing-mode preview, so that the two cannot differ."""
    return ChargeRequest(
        kind=OrderKind.RENEWAL,
        customer=customer,
        product=product,
        quantity=renewed.quantity,
        channel=channel,
        placed_by_id=placed_by_id,
        partnership=partnership,
        partner=partner,
        subscription_id=renewed.id,
        period_start=renewed.current_period_start,
        period_end=renewed.current_period_end,
        at=at,
        also_emit=also_emit,
    )


def next_automatic_renewal(
    sub: Subscription,
    customer: Organization,
    product: Product,
    partnership: ActivePartnership | None,
    partner: Organization | None,
) -> ChargeRequest:
    """The charge the renewal run makes when ``sub``'s current period ends, if nothing changes
    until then: the next period, the automatic channel, placed by nobody."""
    start, end = next_period(sub.created_at, sub.current_period_end, product.period_months)
    renewed = replace(sub, current_period_start=start, current_period_end=end)
    channel = automatic_channel(Channel(sub.origin_channel), sub.origin_partnership_id, partnership)
    return renewal_request(renewed, customer, product, channel, None, partnership, partner, start)
