"""Planning a charge: from the loaded customer, product, partnership and partner to everything
to write (order, cashback entry, invoice, events), with no I/O. Ids and times come in: the
service passes :func:`partnerbilling.db.new_id` and the moment of the charge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from partnerbilling.billing.domain import (
    CashbackEntry,
    InvoiceDocument,
    Order,
    Organization,
    PlannedEvent,
    Product,
    RateSource,
    Subscription,
    buyer_snapshot,
)
from partnerbilling.billing.issue import PERIOD_MOMENTS
from partnerbilling.billing.money import format_money
from partnerbilling.billing.periods import add_months
from partnerbilling.billing.pricing import Price, price_charge
from partnerbilling.billing.routing import ActivePartnership, Benefit, Channel, Route, route_charge
from partnerbilling.events.schemas import EventType
from partnerbilling.jsonio import JSON
from partnerbilling.language import Language, word
from partnerbilling.states import CashbackStatus, InvoiceKind, InvoiceStatus, OrderKind, SubscriptionStatus
from partnerbilling.visibility import cashback_entry_view, order_view

# Makes a new id with a prefix ("ord", "inv", "cb", "sub").
NewId = Callable[[str], str]


class NoPriceInCurrency(Exception):
    """The product has no price in the payer's currency: the charge cannot be made."""

    def __init__(self, sku: str, currency: str) -> None:
        super().__init__(f"'{sku}' has no price in {currency}, the payer's currency.")
        self.sku, self.currency = sku, currency


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """One order or renewal to bill: what, for whom, for which period, initiated how.
    ``partner`` is the partnership's partner with its tier, as loaded (None without one)."""

    kind: OrderKind
    customer: Organization
    product: Product
    quantity: int
    channel: Channel
    placed_by_id: str | None
    partnership: ActivePartnership | None
    partner: Organization | None
    subscription_id: str
    period_start: datetime
    period_end: datetime
    at: datetime
    # The caller's events, recorded after the charge's own in the same statement.
    also_emit: tuple[PlannedEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class ChargePlan:
    """Everything a charge writes, in the order it is written (the invoice last)."""

    subscription: Subscription | None  # a new order's; a renewal's exists already
    order: Order
    cashback: CashbackEntry | None
    events: tuple[PlannedEvent, ...]
    invoice: InvoiceDocument
    # The payer pays its invoices from its balance as they are issued (when it covers them).
    auto_pay: bool = False
    # The payer is invoiced monthly (SPEC §15): the order waits unbilled, ``invoice`` is what
    # its line would be alone and is not issued.
    unbilled: bool = False


def plan_subscription(
    customer: Organization,
    product: Product,
    quantity: int,
    channel: Channel,
    partnership: ActivePartnership | None,
    subscription_id: str,
    at: datetime,
) -> Subscription:
    """The subscription a new order creates: active, renewing, its first period from ``at``."""
    return Subscription(
        id=subscription_id,
        customer_id=customer.id,
        sku=product.sku,
        quantity=quantity,
        origin_channel=channel.value,
        origin_partnership_id=partnership.id if partnership else None,
        status=SubscriptionStatus.ACTIVE,
        auto_renew=True,
        current_period_start=at,
        current_period_end=add_months(at, product.period_months),
        created_at=at,
        cancelled_at=None,
        at_risk_since=None,
        suspends_at=None,
    )


def plan_order(
    customer: Organization,
    product: Product,
    quantity: int,
    channel: Channel,
    placed_by_id: str,
    partnership: ActivePartnership | None,
    partner: Organization | None,
    new_id: NewId,
    at: datetime,
) -> ChargePlan:
    """A new order: its subscription, and the charge of the subscription's first period."""
    sub = plan_subscription(customer, product, quantity, channel, partnership, new_id("sub"), at)
    request = ChargeRequest(
        kind=OrderKind.NEW,
        customer=customer,
        product=product,
        quantity=quantity,
        channel=channel,
        placed_by_id=placed_by_id,
        partnership=partnership,
        partner=partner,
        subscription_id=sub.id,
        period_start=at,
        period_end=sub.current_period_end,
        at=at,
    )
    return replace(plan_charge(request, new_id), subscription=sub)


def plan_charge(c: ChargeRequest, new_id: NewId) -> ChargePlan:
    """Route and price the charge (SPEC §2) and plan its rows and events. Raises
    :class:`NoPriceInCurrency` and :class:`~partnerbilling.billing.pricing.AmountTooLarge`."""
    route = route_charge(c.customer.id, c.partnership, c.channel)
    partner = c.partner if c.partner is not None and c.partner.id == route.partner_id else None
    payer = partner if partner is not None and route.payer_id == partner.id else c.customer
    unit_price = c.product.prices.get(payer.currency)
    if unit_price is None:
        raise NoPriceInCurrency(c.product.sku, payer.currency)
    rate = _partner_rate(partner, c.product.category) if route.benefit is not Benefit.NONE else None
    price = price_charge(unit_price, c.quantity, route.benefit, rate, payer.charged_vat_rate)
    order_id, invoice_id = new_id("ord"), new_id("inv")
    entry = None
    if price.cashback is not None and price.partner_rate is not None and route.partner_id is not None:
        entry = CashbackEntry(
            new_id("cb"), route.partner_id, order_id, c.customer.id, payer.currency,
            price.partner_rate, price.cashback, CashbackStatus.PENDING, c.at, c.at,
        )  # fmt: skip
    order = _order(c, route, payer, price, order_id, invoice_id, entry)
    if route.benefit is not Benefit.NONE:
        order = _with_terms(order, c, partner)
    recipients = (c.customer.id, route.partner_id)
    events = [PlannedEvent(EventType.ORDER_CREATED, recipients, lambda v: order_view(v, order))]
    if entry is not None:
        credited = PlannedEvent(
            EventType.CASHBACK_CREDITED, (entry.partner_id,), lambda v: cashback_entry_view(v, entry)
        )
        events.append(credited)
    invoice = _invoice(c, payer, order, price, invoice_id)
    if payer.monthly:
        order = replace(order, invoice_id=None, billing_status="unbilled")
    return ChargePlan(
        None, order, entry, (*events, *c.also_emit), invoice, payer.auto_pay_from_balance, payer.monthly
    )


def _order(
    c: ChargeRequest,
    route: Route,
    payer: Organization,
    price: Price,
    order_id: str,
    invoice_id: str,
    entry: CashbackEntry | None,
) -> Order:
    return Order(
        id=order_id,
        kind=c.kind,
        channel=route.channel.value,
        customer_id=c.customer.id,
        placed_by_id=c.placed_by_id,
        partnership_id=route.partnership_id,
        partner_id=route.partner_id,
        subscription_id=c.subscription_id,
        sku=c.product.sku,
        quantity=c.quantity,
        currency=payer.currency,
        payer_id=payer.id,
        unit_price=price.unit_price,
        public_amount=price.public_amount,
        discount=price.discount,
        net_amount=price.net_amount,
        partner_rate=price.partner_rate,
        invoice_id=invoice_id,
        period_start=c.period_start,
        period_end=c.period_end,
        created_at=c.at,
        cashback_rate=entry.rate if entry else None,
        cashback_amount=entry.amount if entry else None,
        cashback_status=entry.status if entry else None,
    )


def _with_terms(order: Order, c: ChargeRequest, partner: Organization | None) -> Order:
    """The order with what it was routed and rated by, for its explanation (SPEC §11)."""
    assert c.partnership is not None  # a partner benefits only within a partnership
    tier = partner.tier if partner is not None else None
    if tier is None:
        source = RateSource.NO_TIER
    else:
        source = RateSource.CATEGORY if c.product.category in tier.rates else RateSource.DEFAULT
    return replace(
        order,
        access=c.partnership.access.value,
        billing_mode=c.partnership.billing_mode.value,
        tier_code=tier.code if tier is not None else None,
        category=c.product.category,
        rate_source=source.value,
    )


def _partner_rate(partner: Organization | None, category: str) -> Decimal:
    """The partner's rate for the category, by its tier today (0 if it lost its tier)."""
    if partner is None or partner.tier is None:
        return Decimal(0)
    return partner.tier.rate_for(category)


def _invoice(
    c: ChargeRequest, payer: Organization, order: Order, price: Price, invoice_id: str
) -> InvoiceDocument:
    """The payer's invoice for the charge: one line, the order's, in the payer's language."""
    buyer = payer.buyer or buyer_snapshot(payer.name, None, None, None, "en", payer.reverse_charge)
    language = Language.of(buyer.get("language"))
    line = charge_line(order, c.product.name_in(language.value), c.customer.name, language)
    return InvoiceDocument(
        id=invoice_id,
        kind=InvoiceKind.INVOICE,
        credits_invoice_id=None,
        payer_id=payer.id,
        customer_id=c.customer.id,
        order_id=order.id,
        currency=payer.currency,
        lines=[line],
        subtotal=price.net_amount,
        tax_rate=price.tax_rate,
        tax=price.tax,
        total=price.total,
        status=InvoiceStatus.ISSUED,
        reason=None,
        issued_at=c.at,
        buyer=buyer,
    )


def charge_line(order: Order, product_name: str, customer_name: str, language: Language) -> JSON:
    """The invoice line of a charge, in the payer's ``language``: the product's name in it, the
    kind of charge, the customer it is for; its period's days and description are written as it
    is issued, in the issuer's time zone (:func:`partnerbilling.billing.issue.dated_lines`)."""
    kind = "renewal" if order.kind == OrderKind.RENEWAL else "order"
    return {
        "description": f"{product_name}, {word(kind, language)}",
        "product_name": product_name,
        "kind": kind,
        "sku": order.sku,
        "quantity": order.quantity,
        "unit_price": format_money(order.unit_price),
        "amount": format_money(order.public_amount),
        "discount": format_money(order.discount),
        "net_amount": format_money(order.net_amount),
        "customer_id": order.customer_id,
        "customer_name": customer_name,
        "period_start": f"{order.period_start:%Y-%m-%d}",
        "period_end": f"{order.period_end:%Y-%m-%d}",
        PERIOD_MOMENTS: (order.period_start, order.period_end),
    }
