"""Charging: load the customer, partnership, product and partner (one statement,
:mod:`partnerbilling.orders.loading`); plan the charge (:func:`partnerbilling.billing.charge.plan_charge`,
pure); save the subscription, the order, the partner's cashback entry and the events (one
statement), then the payer's invoice, in the caller's transaction."""

from __future__ import annotations

from partnerbilling.accounts import repository as accounts
from partnerbilling.billing.charge import ChargePlan, plan_order
from partnerbilling.billing.domain import CashbackEntry, InvoiceDocument, Order, event_rows
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import NotFound
from partnerbilling.events.domain import NewEvent
from partnerbilling.invoices.service import issue_invoice
from partnerbilling.orders import repository
from partnerbilling.orders.loading import UnknownProduct, load_order_inputs, load_partner, refusals
from partnerbilling.orders.schemas import OrderCreate
from partnerbilling.payments.service import auto_pay
from partnerbilling.sql import Connection
from partnerbilling.states import OrderKind
from partnerbilling.visibility import order_view


async def place_order(conn: Connection, caller_id: str, data: OrderCreate) -> Order:
    """A new order: the caller is the customer (direct) or its full-access partner (partner)."""
    inputs = await load_order_inputs(conn, caller_id, data, lock=True)
    with refusals(OrderKind.NEW):
        plan = plan_order(
            inputs.customer, inputs.product, data.quantity, inputs.channel, caller_id,
            inputs.partnership, inputs.partner, new_id, utcnow(),
        )  # fmt: skip
    return await save_charge(conn, plan)


async def save_charge(conn: Connection, plan: ChargePlan) -> Order:
    """Write a planned charge; returns its order as :func:`order_view` reads it. Three
    statements: the rows but the invoice (with the events and their deliveries), then the
    invoice's number and the invoice."""
    events = [NewEvent(org_id, event_type, data) for org_id, event_type, data in event_rows(plan.events)]
    await repository.add_charge(
        conn, plan.subscription, plan.order, plan.cashback, events, plan.order.created_at
    )
    if plan.unbilled:
        return plan.order  # the monthly close invoices it (SPEC §15)
    # An auto-paying payer's balance is locked before the number, in the order a credit note
    # takes them (balances, then counter), so that the two never deadlock; with it the partner's
    # that the payment credits with cashback, in the global order of balance locks.
    covered = plan.auto_pay and await _covers(conn, plan.invoice, plan.cashback)
    # Last: the invoice number locks the year's counter until commit, and every charge waits
    # for it, so nothing comes after it (its invoice.issued event is part of the statement) but
    # the payment of an auto-paying payer whose balance covers it.
    await issue_invoice(conn, plan.invoice)
    if covered:
        await auto_pay(conn, plan.invoice.id)
    return plan.order


async def _covers(conn: Connection, invoice: InvoiceDocument, cashback: CashbackEntry | None) -> bool:
    """Whether the payer's balance pays the whole invoice; it and the cashback partner's are
    locked until commit."""
    partner = [] if cashback is None else [(cashback.partner_id, cashback.currency)]
    await accounts.lock(conn, [(invoice.payer_id, invoice.currency), *partner], invoice.issued_at)
    balance = await accounts.balance(conn, invoice.payer_id, invoice.currency)
    return invoice.total > 0 and balance >= invoice.total


async def load_visible(conn: Connection, viewer: str, order_id: str) -> Order:
    """An order the viewer may see, or 404."""
    order = await repository.get(conn, order_id)
    if order is None or order_view(viewer, order) is None:
        raise NotFound("No such order.")
    return order


# The renewals load the partner and save their charges with these.
__all__ = ["UnknownProduct", "load_partner", "place_order", "refusals", "save_charge"]
