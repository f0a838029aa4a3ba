"""Quotes and explanations (SPEC §11): the charge an order placed now would make, planned by the
same :func:`~partnerbilling.billing.charge.plan_order` as the order and written nowhere; and a
placed order's explanation, drawn from the values stored on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from partnerbilling.billing.charge import ChargePlan, plan_order
from partnerbilling.billing.domain import Order
from partnerbilling.billing.explanation import Explanation, explain_charge, facts_of_order, reverse_charged
from partnerbilling.db import utcnow
from partnerbilling.errors import NotFound
from partnerbilling.invoices import repository as invoices
from partnerbilling.invoicing.calendar import when_invoiced
from partnerbilling.orders import repository as orders
from partnerbilling.orders.loading import load_order_inputs, refusals
from partnerbilling.orders.schemas import OrderCreate
from partnerbilling.organizations import repository as organizations
from partnerbilling.organizations.domain import organization_of
from partnerbilling.sql import Connection
from partnerbilling.states import OrderKind
from partnerbilling.visibility import order_view


@dataclass(frozen=True, slots=True)
class Quote:
    plan: ChargePlan
    explanation: Explanation


def _placeholder_id(prefix: str) -> str:
    """A quote takes no id and no number: its rows are never written."""
    return f"{prefix}_quote"


async def quote_charge(conn: Connection, caller_id: str, data: OrderCreate) -> Quote:
    """The order the caller would place now, planned and explained, with nothing written; the
    caller's rights are those of placing it (404 / 403 alike)."""
    inputs = await load_order_inputs(conn, caller_id, data, lock=False)
    with refusals(OrderKind.NEW):
        plan = plan_order(
            inputs.customer, inputs.product, data.quantity, inputs.channel, caller_id,
            inputs.partnership, inputs.partner, _placeholder_id, utcnow(),
        )  # fmt: skip
    facts = facts_of_order(plan.order, plan.invoice.tax_rate, reverse_charged(plan.invoice.buyer))
    return Quote(plan, explain_charge(facts))


async def explain_order(
    conn: Connection, viewer: str, order_id: str
) -> tuple[Order, Explanation, tuple[str, datetime]]:
    """A placed order the viewer may see (else 404), explained from what was stored when it was
    priced: its own columns and its invoice's VAT rate and reverse charge (an unbilled one's:
    its payer's now, as the monthly close will invoice it); and when it is (was) invoiced."""
    order = await orders.get(conn, order_id)
    if order is None or order_view(viewer, order) is None:
        raise NotFound("No such order.")
    if order.invoice_id is None:
        payer = await organizations.get(conn, order.payer_id)
        assert payer is not None  # orders reference their payer
        planned = organization_of(payer)
        facts = facts_of_order(order, planned.charged_vat_rate, planned.reverse_charge)
        return order, explain_charge(facts), when_invoiced(order.created_at, unbilled=True)
    invoice = await invoices.get(conn, order.invoice_id)
    if invoice is None:  # issued in the order's own transaction: never missing
        raise NotFound("No such order.")
    facts = facts_of_order(order, invoice.tax_rate, reverse_charged(invoice.buyer))
    monthly = any("order_id" in line for line in invoice.lines)
    return order, explain_charge(facts), ("monthly" if monthly else "at_once", invoice.issued_at)
