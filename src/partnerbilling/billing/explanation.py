"""Why a charge came out as it did (SPEC §11): the route, the rate and every amount, each step
with its rule, its inputs and its result, recomputed from the facts the charge was priced with.

The facts come from a planned order (a quote) or from a stored one (its explanation), through
the one function :func:`facts_of_order`, so that an order explains itself exactly as its quote
did. Every amount is recomputed here from those facts by SPEC §2's formulas and shows its exact
value next to the rounded one, so that a reader can redo the arithmetic. Who may see which step
is decided in :mod:`partnerbilling.visibility`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from partnerbilling.billing.domain import Order
from partnerbilling.billing.money import CENT, format_money, format_rate, round_money
from partnerbilling.billing.routing import Benefit, Channel
from partnerbilling.enums import LiteralEnum
from partnerbilling.jsonio import JSON

# A fact that an order placed before it was recorded cannot tell.
UNKNOWN = "unknown"


class StepName(LiteralEnum):
    """The steps, in the order they are taken."""

    ROUTE = "route"
    RATE = "rate"
    PUBLIC_AMOUNT = "public_amount"
    DISCOUNT = "discount"
    NET_AMOUNT = "net_amount"
    TAX = "tax"
    TOTAL = "total"
    CASHBACK = "cashback"


class Rounding(LiteralEnum):
    HALF_UP = "half_up"  # rounded to the cent, half up, once (SPEC §2)
    NONE = "none"  # exact by construction: sums and products of two-decimal amounts


@dataclass(frozen=True, slots=True)
class ChargeFacts:
    """What a charge was routed and priced with. ``access`` and ``billing_mode`` are None
    without an active partnership; ``tier_code``, ``category`` and ``rate_source`` are None
    when no partner benefits (or the partner has no tier), or :data:`UNKNOWN` on an old order."""

    customer_id: str
    partner_id: str | None
    payer_id: str
    access: str | None
    billing_mode: str | None
    channel: Channel
    benefit: Benefit
    tier_code: str | None
    category: str | None
    rate_source: str | None
    rate: Decimal | None
    currency: str
    unit_price: Decimal
    quantity: int
    vat_rate: Decimal  # the rate charged: 0 under reverse charge
    reverse_charge: bool


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount as computed (``exact``) and as charged (``rounded``)."""

    exact: Decimal
    rounding: Rounding

    @property
    def rounded(self) -> Decimal:
        return round_money(self.exact) if self.rounding is Rounding.HALF_UP else self.exact


# What a step's inputs and result hold: text (ids, codes, rates and money as strings), a
# quantity, a flag, an amount, or null.
Value = str | int | bool | Amount | None


@dataclass(frozen=True, slots=True)
class Step:
    step: StepName
    rule: str
    inputs: Mapping[str, Value]
    result: Mapping[str, Value]


@dataclass(frozen=True, slots=True)
class Explanation:
    """The steps of one charge and the parties they concern (for redaction)."""

    customer_id: str
    partner_id: str | None
    payer_id: str
    steps: tuple[Step, ...]


def facts_of_order(order: Order, tax_rate: Decimal, reverse_charge: bool) -> ChargeFacts:
    """The facts of a planned or stored order and its invoice's VAT rate and reverse-charge flag.
    An order stored before its terms were recorded has them derived where the order implies them
    (the partner paid: billing mode partner, hence full access; the partner initiated: full
    access; the customer paid within a partnership: billing mode customer), else
    :data:`UNKNOWN`."""
    channel = Channel(order.channel)
    partnered = order.partnership_id is not None
    partner_pays = partnered and order.payer_id == order.partner_id
    benefit = Benefit.NONE
    if partnered:
        benefit = Benefit.REBATE if partner_pays and channel is Channel.PARTNER else Benefit.CASHBACK
    access, mode, tier, category, source = (
        order.access, order.billing_mode, order.tier_code, order.category, order.rate_source,
    )  # fmt: skip
    if partnered and source is None:  # recorded together, by the planner; none: an old order
        implied_full = partner_pays or channel is Channel.PARTNER
        access = access or ("full" if implied_full else UNKNOWN)
        mode = mode or ("partner" if partner_pays else "customer")
        tier, category, source = UNKNOWN, UNKNOWN, UNKNOWN
    return ChargeFacts(
        customer_id=order.customer_id,
        partner_id=order.partner_id if partnered else None,
        payer_id=order.payer_id,
        access=access,
        billing_mode=mode,
        channel=channel,
        benefit=benefit,
        tier_code=tier,
        category=category,
        rate_source=source,
        rate=order.partner_rate,
        currency=order.currency,
        unit_price=order.unit_price,
        quantity=order.quantity,
        vat_rate=tax_rate,
        reverse_charge=reverse_charge,
    )


def explain_charge(f: ChargeFacts) -> Explanation:
    """Every step of the charge, recomputed from its facts by SPEC §2's formulas."""
    public = Amount(f.unit_price * f.quantity, Rounding.NONE)
    rate = f.rate if f.rate is not None else Decimal(0)
    steps = [_route(f)]
    if f.benefit is not Benefit.NONE:
        steps.append(_rate(f, rate))
    steps.append(
        Step(StepName.PUBLIC_AMOUNT, "unit price × quantity",
             {"unit_price": format_money(f.unit_price), "quantity": f.quantity, "currency": f.currency},
             {"amount": public})
    )  # fmt: skip
    if f.benefit is Benefit.REBATE:
        discount = Amount(public.rounded * rate, Rounding.HALF_UP)
        steps.append(
            Step(StepName.DISCOUNT, "rebate: public amount × partner rate, rounded half up",
                 {"public_amount": format_money(public.rounded), "rate": format_rate(rate)},
                 {"amount": discount})
        )  # fmt: skip
    else:
        discount = Amount(Decimal("0.00"), Rounding.NONE)
        steps.append(
            Step(StepName.DISCOUNT, "no rebate on this charge", {}, {"amount": discount})
        )  # fmt: skip
    net = Amount(public.rounded - discount.rounded, Rounding.NONE)
    steps.append(_net(public, discount, net))
    tax = Amount(net.rounded * f.vat_rate, Rounding.HALF_UP)
    steps.append(_tax(f, net, tax))
    steps.append(_total(net, tax))
    if f.benefit is Benefit.CASHBACK:
        steps.append(
            Step(StepName.CASHBACK, "cashback: public amount × partner rate, rounded half up",
                 {"public_amount": format_money(public.rounded), "rate": format_rate(rate)},
                 {"amount": Amount(public.rounded * rate, Rounding.HALF_UP)})
        )  # fmt: skip
    return Explanation(f.customer_id, f.partner_id, f.payer_id, tuple(steps))


def _route(f: ChargeFacts) -> Step:
    """The row of SPEC §2's who-pays table."""
    payer = "partner" if f.partner_id is not None and f.payer_id == f.partner_id else "customer"
    rule = (
        "who pays: the partnership's access and billing mode and the charge's channel (SPEC §2)"
        if f.partner_id is not None
        else "who pays: no active partnership, the customer pays the public price (SPEC §2)"
    )
    return Step(
        StepName.ROUTE,
        rule,
        {"access": f.access, "billing_mode": f.billing_mode, "channel": f.channel.value},
        {"payer": payer, "payer_id": f.payer_id, "benefit": f.benefit.value},
    )


def _rate(f: ChargeFacts, rate: Decimal) -> Step:
    rule = {
        "category": "the partner's tier: its rate for the product's category",
        "default": "the partner's tier: its default rate (no rate for the product's category)",
        "no_tier": "the partner has no reseller tier: rate 0",
    }.get(f.rate_source or "", "the partner's tier at the time of the charge (not recorded)")
    return Step(
        StepName.RATE,
        rule,
        {"tier": f.tier_code, "category": f.category, "source": f.rate_source},
        {"rate": format_rate(rate)},
    )


def _net(public: Amount, discount: Amount, net: Amount) -> Step:
    return Step(
        StepName.NET_AMOUNT,
        "public amount − discount, exact",
        {"public_amount": format_money(public.rounded), "discount": format_money(discount.rounded)},
        {"amount": net},
    )


def _tax(f: ChargeFacts, net: Amount, tax: Amount) -> Step:
    rule = (
        "reverse charge: the buyer accounts for the VAT, rate 0"
        if f.reverse_charge
        else "VAT: net amount × the payer's VAT rate, rounded half up"
    )
    return Step(
        StepName.TAX,
        rule,
        {
            "net_amount": format_money(net.rounded),
            "vat_rate": format_rate(f.vat_rate),
            "reverse_charge": f.reverse_charge,
        },
        {"amount": tax},
    )


def _total(net: Amount, tax: Amount) -> Step:
    return Step(
        StepName.TOTAL,
        "net amount + VAT",
        {"net_amount": format_money(net.rounded), "tax": format_money(tax.rounded)},
        {"amount": Amount(net.rounded + tax.rounded, Rounding.NONE)},
    )


def reverse_charged(buyer: JSON | None) -> bool:
    """Whether an invoice's buyer snapshot says reverse charge (no snapshot: it did not)."""
    return bool((buyer or {}).get("reverse_charge"))


def format_exact(amount: Decimal) -> str:
    """An exact amount as JSON carries it: every decimal it has, at least two (``"2.0175"``,
    ``"24.00"``)."""
    digits = amount.normalize()
    exponent = digits.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -2:
        return str(amount.quantize(CENT))
    return format(digits, "f")
