"""Charging: load the customer, partnership, product and partner (one statement); plan the
charge (:func:`partnerbilling.billing.charge.plan_charge`, pure); save the subscription, the
order, the partner's cashback entry and the events (one statement), then the payer's invoice, in
the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.accounts import repository as accounts
from partnerbilling.billing.charge import ChargePlan, NoPriceInCurrency, plan_order
from partnerbilling.billing.domain import InvoiceDocument, Order, Organization, event_rows
from partnerbilling.billing.pricing import AmountTooLarge
from partnerbilling.billing.routing import (
    ActivePartnership,
    ChargeRefused,
    initiating_channel,
)
from partnerbilling.catalog.domain import product_of
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import Forbidden, NotFound, PriceNotAvailable, Unprocessable, ValidationFailed
from partnerbilling.events.domain import NewEvent
from partnerbilling.invoices.service import issue_invoice
from partnerbilling.orders import repository
from partnerbilling.orders.schemas import OrderCreate
from partnerbilling.organizations import repository as organizations
from partnerbilling.organizations.domain import OrganizationWithTier, organization_of
from partnerbilling.payments.service import auto_pay
from partnerbilling.states import OrderKind
from partnerbilling.visibility import order_view


class UnknownProduct(Unprocessable):
    code, title = "unknown_product", "No product has this sku"


def refuse(refusal: ChargeRefused) -> Exception:
    """The API answer to a refused initiator: 403 if it may see the customer, else 404."""
    if refusal.visible:
        return Forbidden("A partner with limited access cannot order or renew for its customer.")
    return NotFound("No such customer.")


async def place_order(conn: AsyncConnection, caller_id: str, data: OrderCreate) -> Order:
    """A new order: the caller is the customer (direct) or its full-access partner (partner)."""
    inputs = await repository.load_inputs(conn, data.customer_id, data.sku)
    if inputs is None:
        raise NotFound("No such customer.")
    customer, partnership = organization_of(inputs.customer), inputs.partnership
    try:
        channel = initiating_channel(caller_id, customer.id, partnership)
    except ChargeRefused as refusal:
        raise refuse(refusal) from None
    if inputs.product is None:
        raise UnknownProduct(
            f"No product '{data.sku}'.", errors=[{"loc": ["body", "sku"], "msg": "unknown sku"}]
        )
    partner = organization_of(inputs.partner) if inputs.partner is not None else None
    with refusals(OrderKind.NEW):
        plan = plan_order(
            customer, product_of(inputs.product), data.quantity, channel, caller_id, partnership, partner,
            new_id, utcnow(),
        )  # fmt: skip
    return await save_charge(conn, plan)


async def load_partner(
    conn: AsyncConnection,
    partnership: ActivePartnership | None,
    known: OrganizationWithTier | None = None,
) -> Organization | None:
    """The partnership's partner with its tier: ``known`` (a row read with its tier) if it is
    that partner, else read now; None without a partnership."""
    if partnership is None:
        return None
    row = known if known is not None and known.id == partnership.partner_id else None
    if row is None:
        row = await organizations.get_with_tier(conn, partnership.partner_id)
    return organization_of(row) if row is not None else None


@contextmanager
def refusals(kind: OrderKind) -> Iterator[None]:
    """Planning a charge (:func:`plan_order`, :func:`plan_charge`), with its refusals as the API
    answers them: no price in the payer's currency, or an amount too large to store (the
    quantity is what a new order chose; a renewal's is the subscription's)."""
    try:
        yield
    except NoPriceInCurrency as exc:
        raise PriceNotAvailable(str(exc)) from None
    except AmountTooLarge as exc:
        errors = [{"loc": ["body", "quantity"], "msg": str(exc)}] if kind == OrderKind.NEW else None
        raise ValidationFailed(f"The charge is too large: {exc}.", errors=errors) from None


async def save_charge(conn: AsyncConnection, plan: ChargePlan) -> Order:
    """Write a planned charge; returns its order as :func:`order_view` reads it. Three
    statements: the rows but the invoice (with the events and their deliveries), then the
    invoice's number and the invoice."""
    events = [NewEvent(org_id, event_type, data) for org_id, event_type, data in event_rows(plan.events)]
    await repository.add_charge(
        conn, plan.subscription, plan.order, plan.cashback, events, plan.order.created_at
    )
    # An auto-paying payer's balance is locked before the number, in the order a credit note
    # takes them (balance, then counter), so that the two never deadlock.
    covered = plan.auto_pay and await _covers(conn, plan.invoice)
    # Last: the invoice number locks the year's counter until commit, and every charge waits
    # for it, so nothing comes after it (its invoice.issued event is part of the statement) but
    # the payment of an auto-paying payer whose balance covers it.
    await issue_invoice(conn, plan.invoice)
    if covered:
        await auto_pay(conn, plan.invoice.id)
    return plan.order


async def _covers(conn: AsyncConnection, invoice: InvoiceDocument) -> bool:
    """Whether the payer's balance (locked until commit) pays the whole invoice."""
    balance = await accounts.balance(conn, invoice.payer_id, invoice.currency, lock=True)
    return invoice.total > 0 and balance >= invoice.total


async def load_visible(conn: AsyncConnection, viewer: str, order_id: str) -> Order:
    """An order the viewer may see, or 404."""
    order = await repository.get(conn, order_id)
    if order is None or order_view(viewer, order) is None:
        raise NotFound("No such order.")
    return order


# The renewals load the partner and save their charges with these.
__all__ = ["load_partner", "place_order", "refusals", "save_charge"]
