"""What settling a dunned invoice undoes (SPEC §10): the subscription it charged is active again
and no longer at risk. Called by the one place payments are applied (``payments.service``),
whichever way the money came (API, bank file, balance)."""

from __future__ import annotations

from partnerbilling.billing.domain import PlannedEvent
from partnerbilling.billing.dunning import FINAL_NOTICE
from partnerbilling.events.schemas import EventType
from partnerbilling.invoices.domain import Invoice
from partnerbilling.orders import repository as orders
from partnerbilling.sql import Connection
from partnerbilling.states import SubscriptionStatus
from partnerbilling.subscriptions import repository as subscriptions
from partnerbilling.visibility import subscription_view


async def lock_at_stake(conn: Connection, invoice: Invoice) -> None:
    """Lock the subscription dunning put at stake for the invoice (if any), before a payment
    locks the balances: a renewal locks a subscription, then its payer's balance, and a payment
    takes them in the same order."""
    if invoice.dunning_level >= FINAL_NOTICE:
        order = await orders.get(conn, invoice.order_id)
        if order is not None:
            await subscriptions.get(conn, order.subscription_id, lock=True)


async def settled(conn: Connection, invoice: Invoice) -> list[PlannedEvent]:
    """The invoice is paid: if dunning put its subscription at risk or suspended it, clear that
    (reactivating a suspended one); the events to record (none if nothing changed)."""
    if invoice.dunning_level < FINAL_NOTICE:
        return []
    order = await orders.get(conn, invoice.order_id)
    sub = None if order is None else await subscriptions.get(conn, order.subscription_id, lock=True)
    if sub is None or (sub.at_risk_since is None and sub.status != SubscriptionStatus.SUSPENDED):
        return []
    values: dict[str, object] = {"at_risk_since": None, "suspends_at": None}
    reactivate = sub.status == SubscriptionStatus.SUSPENDED
    if reactivate:
        values["status"] = SubscriptionStatus.ACTIVE
    await subscriptions.change(conn, sub.id, values)
    changed = await subscriptions.get(conn, sub.id)
    assert changed is not None
    if not reactivate:
        return []
    partner = changed.active_partner_id
    return [
        PlannedEvent(
            EventType.SUBSCRIPTION_REACTIVATED,
            (changed.customer_id, partner),
            lambda v: subscription_view(v, changed, partner),
        )
    ]
