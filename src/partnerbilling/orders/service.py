"""Charging: route and price one order or renewal, then write the order, the payer's invoice,
the partner's cashback entry and the events, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.billing.periods import add_months
from partnerbilling.billing.pricing import AmountTooLarge, Price, Tier, price_charge
from partnerbilling.billing.routing import (
    ActivePartnership,
    Benefit,
    Channel,
    ChargeRefused,
    initiating_channel,
    route_charge,
)
from partnerbilling.cashback import repository as cashback
from partnerbilling.catalog import repository as catalog
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import Forbidden, NotFound, PriceNotAvailable, Unprocessable, ValidationFailed
from partnerbilling.events.service import View, emit_many
from partnerbilling.invoices.service import InvoiceDraft, issue_invoice
from partnerbilling.orders import repository
from partnerbilling.orders.schemas import OrderCreate
from partnerbilling.organizations import repository as organizations
from partnerbilling.partnerships.repository import lock_active_partnership
from partnerbilling.subscriptions import repository as subscriptions
from partnerbilling.visibility import cashback_entry_view, order_view


class UnknownProduct(Unprocessable):
    code, title = "unknown_product", "No product has this sku"


@dataclass(frozen=True, slots=True)
class Charge:
    """One order or renewal to bill: what, for whom, for which period, initiated how."""

    kind: str  # new | renewal
    customer: Row[Any]
    product: Row[Any]
    quantity: int
    channel: Channel
    placed_by_id: str | None
    partnership: ActivePartnership | None
    subscription_id: str
    period_start: datetime
    period_end: datetime
    at: datetime
    # Events of the caller's to record with the charge's own, in the same statement.
    also_emit: tuple[tuple[str, list[str | None], View], ...] = ()
    # The partner as organizations.get_with_tier reads it, if the caller has it already; used
    # only if it is the partner of the partnership above.
    partner: Row[Any] | None = None


def refuse(refusal: ChargeRefused) -> Exception:
    """The API answer to a refused initiator: 403 if it may see the customer, else 404."""
    if refusal.visible:
        return Forbidden("A partner with limited access cannot order or renew for its customer.")
    return NotFound("No such customer.")


async def place_order(conn: AsyncConnection, caller_id: str, data: OrderCreate) -> Any:
    """A new order: the caller is the customer (direct) or its full-access partner (partner)."""
    customer = await organizations.get(conn, data.customer_id)
    if customer is None:
        raise NotFound("No such customer.")
    partnership = await lock_active_partnership(conn, customer.id)
    try:
        channel = initiating_channel(caller_id, customer.id, partnership)
    except ChargeRefused as refusal:
        raise refuse(refusal) from None
    product = await catalog.get_product(conn, data.sku)
    if product is None:
        raise UnknownProduct(
            f"No product '{data.sku}'.", errors=[{"loc": ["body", "sku"], "msg": "unknown sku"}]
        )
    now = utcnow()
    subscription_id = new_id("sub")
    period_end = add_months(now, product.period_months)
    await subscriptions.add(
        conn,
        {
            "id": subscription_id,
            "customer_id": customer.id,
            "sku": product.sku,
            "quantity": data.quantity,
            "origin_channel": channel.value,
            "origin_partnership_id": partnership.id if partnership else None,
            "status": "active",
            "auto_renew": True,
            "current_period_start": now,
            "current_period_end": period_end,
            "created_at": now,
            "cancelled_at": None,
        },
    )
    return await charge(
        conn,
        Charge(
            "new",
            customer,
            product,
            data.quantity,
            channel,
            caller_id,
            partnership,
            subscription_id,
            now,
            period_end,
            now,
        ),
    )


async def charge(conn: AsyncConnection, c: Charge) -> Any:
    """Route, price and record one charge; returns the order as :func:`order_view` reads it."""
    route = route_charge(c.customer.id, c.partnership, c.channel)
    partner = c.partner if c.partner is not None and c.partner.id == route.partner_id else None
    if partner is None and route.partner_id is not None:
        partner = await organizations.get_with_tier(conn, route.partner_id)
    payer = partner if partner is not None and route.payer_id == partner.id else c.customer
    unit_price = c.product.prices.get(payer.currency)
    if unit_price is None:
        raise PriceNotAvailable(f"'{c.product.sku}' has no price in {payer.currency}, the payer's currency.")
    rate = _partner_rate(partner, c.product.category) if route.benefit is not Benefit.NONE else None
    price = _price(c, Decimal(unit_price), route.benefit, rate, payer.vat_rate)
    order_id, invoice_id = new_id("ord"), new_id("inv")
    order = {
        "id": order_id,
        "kind": c.kind,
        "channel": route.channel.value,
        "customer_id": c.customer.id,
        "placed_by_id": c.placed_by_id,
        "partnership_id": route.partnership_id,
        "partner_id": route.partner_id,
        "subscription_id": c.subscription_id,
        "sku": c.product.sku,
        "quantity": c.quantity,
        "currency": payer.currency,
        "payer_id": payer.id,
        "unit_price": price.unit_price,
        "public_amount": price.public_amount,
        "discount": price.discount,
        "net_amount": price.net_amount,
        "partner_rate": price.partner_rate,
        "invoice_id": invoice_id,
        "period_start": c.period_start,
        "period_end": c.period_end,
        "created_at": c.at,
    }
    await repository.add(conn, order)
    entry = None
    if price.cashback is not None and route.partner_id is not None:
        entry = SimpleNamespace(
            id=new_id("cb"),
            partner_id=route.partner_id,
            order_id=order_id,
            customer_id=c.customer.id,
            currency=payer.currency,
            rate=price.partner_rate,
            amount=price.cashback,
            status="pending",
            created_at=c.at,
            updated_at=c.at,
        )
        await cashback.add(conn, vars(entry))
    view = SimpleNamespace(
        **order,
        cashback_rate=entry.rate if entry else None,
        cashback_amount=entry.amount if entry else None,
        cashback_status=entry.status if entry else None,
    )
    batch: list[Any] = [
        ("order.created", [c.customer.id, route.partner_id], lambda v: order_view(v, view)),
    ]
    if entry is not None:
        batch.append(("cashback.credited", [entry.partner_id], lambda v: cashback_entry_view(v, entry)))
    batch.extend(c.also_emit)
    await emit_many(conn, batch, c.at)
    # Last: the invoice number locks the year's counter until commit, and every charge waits
    # for it, so nothing comes after it (its invoice.issued event is part of the statement).
    await issue_invoice(
        conn,
        InvoiceDraft(
            invoice_id,
            payer.id,
            c.customer.id,
            order_id,
            payer.currency,
            _describe(c),
            c.product.sku,
            price,
            c.at,
        ),
    )
    return view


def _price(c: Charge, unit_price: Decimal, benefit: Benefit, rate: Decimal | None, vat: Decimal) -> Price:
    """:func:`price_charge`, with an amount too large to store refused here rather than by the
    database; the quantity is what a new order chose (a renewal's is the subscription's)."""
    try:
        return price_charge(unit_price, c.quantity, benefit, rate, vat)
    except AmountTooLarge as exc:
        errors = [{"loc": ["body", "quantity"], "msg": str(exc)}] if c.kind == "new" else None
        raise ValidationFailed(f"The charge is too large: {exc}.", errors=errors) from None


def _partner_rate(partner: Row[Any] | None, category: str) -> Decimal:
    """The partner's rate for the category, by its tier today (0 if it lost its tier)."""
    if partner is None or partner.tier_rates is None:
        return Decimal(0)
    tier = Tier(
        partner.reseller_tier,
        partner.tier_default_rate,
        {k: Decimal(v) for k, v in partner.tier_rates.items()},
    )
    return tier.rate_for(category)


def _describe(c: Charge) -> str:
    period = f"{c.period_start:%Y-%m-%d} – {c.period_end:%Y-%m-%d}"
    kind = "renewal" if c.kind == "renewal" else "order"
    return f"{c.product.name}, {period} ({kind})"


async def load_visible(conn: AsyncConnection, viewer: str, order_id: str) -> Any:
    """An order the viewer may see, or 404."""
    order = await repository.get(conn, order_id)
    if order is None or order_view(viewer, order) is None:
        raise NotFound("No such order.")
    return order
