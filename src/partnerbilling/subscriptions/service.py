"""Subscriptions: who may act on one, and cancelling it."""

from __future__ import annotations

from dataclasses import dataclass

from partnerbilling.billing.routing import ActivePartnership, Channel, ChargeRefused, initiating_channel
from partnerbilling.db import utcnow
from partnerbilling.errors import Forbidden, NotFound
from partnerbilling.events.schemas import EventType
from partnerbilling.events.service import emit
from partnerbilling.partnerships.repository import lock_active_partnership
from partnerbilling.sql import Connection
from partnerbilling.states import SUBSCRIPTION, SubscriptionStatus
from partnerbilling.subscriptions import repository
from partnerbilling.subscriptions.domain import StoredSubscription
from partnerbilling.visibility import subscription_view


@dataclass(frozen=True, slots=True)
class SubscriptionAction:
    """A subscription locked for a change, with the customer's active partnership as it is now
    and the channel through which the caller acts on it."""

    subscription: StoredSubscription
    partnership: ActivePartnership | None
    channel: Channel

    @property
    def partner_id(self) -> str | None:
        return self.partnership.partner_id if self.partnership else None


async def load_visible(
    conn: Connection, viewer: str, subscription_id: str, *, lock: bool = False
) -> StoredSubscription:
    """A subscription the viewer may see, or 404."""
    sub = await repository.get(conn, subscription_id, lock=lock)
    if sub is None or subscription_view(viewer, sub, sub.active_partner_id) is None:
        raise NotFound("No such subscription.")
    return sub


async def load_for_action(conn: Connection, caller_id: str, subscription_id: str) -> SubscriptionAction:
    """Lock a subscription the caller may act on: its customer (direct) or the customer's active
    full-access partner (partner). A limited partner gets 403; anyone who may not see it, 404."""
    sub = await load_visible(conn, caller_id, subscription_id, lock=True)
    partnership = await lock_active_partnership(conn, sub.customer_id)
    try:
        channel = initiating_channel(caller_id, sub.customer_id, partnership)
    except ChargeRefused as refusal:
        if refusal.visible:
            raise Forbidden(
                "A partner with limited access cannot renew or cancel its customer's subscriptions."
            ) from None
        raise NotFound("No such subscription.") from None
    return SubscriptionAction(sub, partnership, channel)


async def cancel_subscription(conn: Connection, caller_id: str, subscription_id: str) -> StoredSubscription:
    """Stop a subscription's renewals (it stays paid until its period ends); cancelling a
    cancelled subscription changes nothing."""
    action = await load_for_action(conn, caller_id, subscription_id)
    sub = action.subscription
    if not SUBSCRIPTION.may_move(sub.status, SubscriptionStatus.CANCELLED):
        return sub
    now = utcnow()
    await repository.change(
        conn, sub.id, {"status": SubscriptionStatus.CANCELLED, "auto_renew": False, "cancelled_at": now}
    )
    cancelled = await repository.get(conn, sub.id)
    assert cancelled is not None
    partner_id = action.partner_id
    await emit(
        conn,
        EventType.SUBSCRIPTION_CANCELLED,
        [sub.customer_id, partner_id],
        lambda viewer: subscription_view(viewer, cancelled, partner_id),
        now,
    )
    return cancelled
