"""SPEC §2 "how much": worked examples A-D, properties over generated charges, half-up rounding."""

from __future__ import annotations

from decimal import Decimal
from math import gcd

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerbilling.billing.pricing import Price, Tier, price_charge
from partnerbilling.billing.routing import (
    Access,
    ActivePartnership,
    Benefit,
    BillingMode,
    Channel,
    initiating_channel,
    route_charge,
)

from .helpers import (
    CUSTOMER_ID,
    MAX_UNIT_CENTS,
    PARTNER_ID,
    RATE_SCALE,
    cents,
    channels,
    half_up_div,
    partnership,
    partnerships,
    quantities,
    rate_units,
    rates,
    ten_thousandths,
    to_cents,
    unit_cents,
)

GOLD = Tier(
    code="gold",
    default_rate=Decimal("0.1000"),
    rates={"hosting": Decimal("0.2000"), "domain": Decimal("0.0500")},
)
VAT_CH = Decimal("0.0810")
PRODUCTS = {
    # sku: (category, CHF unit price)
    "web-hosting-pro": ("hosting", Decimal("120.00")),
    "domain-ch": ("domain", Decimal("13.45")),
}


def amounts(price: Price) -> list[Decimal]:
    values = [
        price.unit_price,
        price.public_amount,
        price.discount,
        price.net_amount,
        price.tax,
        price.total,
    ]
    if price.cashback is not None:
        values.append(price.cashback)
    return values


# ---------------------------------------------------------------------------------------------
# Tier rates


def test_tier_rate_for_category_else_default() -> None:
    assert GOLD.rate_for("hosting") == Decimal("0.20")
    assert GOLD.rate_for("domain") == Decimal("0.05")
    assert GOLD.rate_for("ssl") == Decimal("0.10")


def test_tier_rate_zero_for_category_is_not_replaced_by_default() -> None:
    tier = Tier(code="t", default_rate=Decimal("0.3"), rates={"domain": Decimal("0.0000")})
    assert tier.rate_for("domain") == Decimal("0")
    assert tier.rate_for("hosting") == Decimal("0.3")


# ---------------------------------------------------------------------------------------------
# Worked examples A-D of SPEC §2, to the cent

# case, billing mode, caller, sku, quantity, payer, P, discount, net, tax, total, cashback
WORKED_EXAMPLES = [
    pytest.param(
        BillingMode.CUSTOMER, PARTNER_ID, "web-hosting-pro", 1, CUSTOMER_ID,
        "120.00", "0.00", "120.00", "9.72", "129.72", "24.00", id="A",
    ),
    pytest.param(
        BillingMode.PARTNER, PARTNER_ID, "web-hosting-pro", 1, PARTNER_ID,
        "120.00", "24.00", "96.00", "7.78", "103.78", None, id="B",
    ),
    pytest.param(
        BillingMode.CUSTOMER, CUSTOMER_ID, "domain-ch", 3, CUSTOMER_ID,
        "40.35", "0.00", "40.35", "3.27", "43.62", "2.02", id="C",
    ),
    pytest.param(
        BillingMode.PARTNER, CUSTOMER_ID, "domain-ch", 3, PARTNER_ID,
        "40.35", "0.00", "40.35", "3.27", "43.62", "2.02", id="D",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    (
        "mode", "caller", "sku", "quantity", "payer",
        "public", "discount", "net", "tax", "total", "cashback",
    ),
    WORKED_EXAMPLES,
)  # fmt: skip
def test_worked_example(
    mode: BillingMode,
    caller: str,
    sku: str,
    quantity: int,
    payer: str,
    public: str,
    discount: str,
    net: str,
    tax: str,
    total: str,
    cashback: str | None,
) -> None:
    category, unit_price = PRODUCTS[sku]
    terms = partnership(Access.FULL, mode)
    channel = initiating_channel(caller, CUSTOMER_ID, terms)
    route = route_charge(CUSTOMER_ID, terms, channel)
    rate = GOLD.rate_for(category)

    price = price_charge(unit_price, quantity, route.benefit, rate, VAT_CH)

    assert route.payer_id == payer
    assert price.public_amount == Decimal(public)
    assert price.discount == Decimal(discount)
    assert price.net_amount == Decimal(net)
    assert price.tax == Decimal(tax)
    assert price.total == Decimal(total)
    assert price.tax_rate == VAT_CH
    assert price.partner_rate == rate
    if cashback is None:
        assert price.cashback is None
    else:
        assert price.cashback == Decimal(cashback)
    # "to the cent": the very digits JSON will carry.
    for amount in amounts(price):
        assert amount.as_tuple().exponent == -2, amount
    assert str(price.total) == total


# ---------------------------------------------------------------------------------------------
# Properties over generated charges


def charge(
    terms: ActivePartnership | None,
    channel: Channel,
    unit: int,
    quantity: int,
    rate: Decimal,
    vat: Decimal,
) -> tuple[Benefit, Price]:
    route = route_charge(CUSTOMER_ID, terms, channel)
    return route.benefit, price_charge(cents(unit), quantity, route.benefit, rate, vat)


@settings(max_examples=2000, deadline=None)
@given(
    terms=partnerships,
    channel=channels,
    unit=unit_cents,
    quantity=quantities,
    rate=rates(),
    vat=rates(),
)
def test_pricing_properties(
    terms: ActivePartnership | None,
    channel: Channel,
    unit: int,
    quantity: int,
    rate: tuple[int, Decimal],
    vat: tuple[int, Decimal],
) -> None:
    rate_int, rate_dec = rate
    vat_int, vat_dec = vat
    benefit, price = charge(terms, channel, unit, quantity, rate_dec, vat_dec)

    # Expected values in integer cents, independently of the code under test.
    p = unit * quantity
    benefit_cents = half_up_div(p * rate_int, RATE_SCALE)  # round(P·d), half up

    assert to_cents(price.public_amount) == p
    assert price.quantity == quantity

    # Rebate or cashback, never both, by the kind of benefit.
    if benefit is Benefit.REBATE:
        assert to_cents(price.discount) == benefit_cents
        assert price.cashback is None
        assert price.partner_rate == rate_dec
    elif benefit is Benefit.CASHBACK:
        assert price.discount == 0
        assert price.cashback is not None
        assert to_cents(price.cashback) == benefit_cents
        assert price.partner_rate == rate_dec
    else:
        assert terms is None
        assert price.discount == 0
        assert price.cashback is None
        assert price.partner_rate is None
    assert not (price.discount > 0 and price.cashback is not None)
    if price.cashback is not None:
        assert price.discount == 0

    # net = P - discount, exactly; 0 ≤ discount ≤ P.
    assert price.net_amount == price.public_amount - price.discount
    assert 0 <= price.discount <= price.public_amount
    assert price.net_amount >= 0

    # tax = round(net · vat), half up; total = net + tax.
    net_cents = to_cents(price.net_amount)
    assert to_cents(price.tax) == half_up_div(net_cents * vat_int, RATE_SCALE)
    assert price.tax_rate == vat_dec
    assert price.total == price.net_amount + price.tax

    # Every amount carries exactly two decimals.
    for amount in amounts(price):
        assert amount.as_tuple().exponent == -2, amount


@settings(max_examples=500, deadline=None)
@given(
    terms=partnerships,
    channel=channels,
    unit=unit_cents,
    quantity=quantities,
    rate=rates(),
    vat_a=rates(),
    vat_b=rates(),
)
def test_benefit_is_computed_on_public_amount_never_on_vat(
    terms: ActivePartnership | None,
    channel: Channel,
    unit: int,
    quantity: int,
    rate: tuple[int, Decimal],
    vat_a: tuple[int, Decimal],
    vat_b: tuple[int, Decimal],
) -> None:
    _, with_a = charge(terms, channel, unit, quantity, rate[1], vat_a[1])
    _, with_b = charge(terms, channel, unit, quantity, rate[1], vat_b[1])
    _, without_vat = charge(terms, channel, unit, quantity, rate[1], Decimal("0"))
    assert with_a.cashback == with_b.cashback == without_vat.cashback
    assert with_a.discount == with_b.discount == without_vat.discount
    assert with_a.net_amount == with_b.net_amount == without_vat.net_amount
    if with_a.cashback is not None:
        assert to_cents(with_a.cashback) == half_up_div(unit * quantity * rate[0], RATE_SCALE)


def test_cashback_ignores_vat_explicitly() -> None:
    """100.00 at d = 0.10 with VAT 0.50: cashback 10.00 (on P), not 15.00 (on P + VAT)."""
    price = price_charge(Decimal("100.00"), 1, Benefit.CASHBACK, Decimal("0.1"), Decimal("0.5"))
    assert price.cashback == Decimal("10.00")
    assert price.total == Decimal("150.00")


@settings(max_examples=300, deadline=None)
@given(unit=unit_cents, quantity=quantities, rate=rates(), vat=rates())
def test_partner_pays_less_only_with_rebate(
    unit: int, quantity: int, rate: tuple[int, Decimal], vat: tuple[int, Decimal]
) -> None:
    """Same order, full access: a partner that initiates and pays gets exactly the cashback
    another route would have given it, as a discount instead."""
    _, rebate = charge(
        partnership(Access.FULL, BillingMode.PARTNER), Channel.PARTNER,
        unit, quantity, rate[1], vat[1],
    )  # fmt: skip
    _, cashback = charge(
        partnership(Access.FULL, BillingMode.PARTNER), Channel.DIRECT,
        unit, quantity, rate[1], vat[1],
    )  # fmt: skip
    assert cashback.cashback is not None
    assert rebate.discount == cashback.cashback
    assert rebate.net_amount + rebate.discount == cashback.net_amount


# ---------------------------------------------------------------------------------------------
# Half up, not half even — and rounded once


HALF_UP_BENEFITS = [
    # P, d, round(P·d) half up       exact P·d   (half-even would give)
    ("2.50", "0.0500", "0.13"),  # 0.125      (0.12)
    ("2.70", "0.0500", "0.14"),  # 0.135      (0.14)
    ("40.35", "0.0500", "2.02"),  # 2.0175    (2.02)
    ("2.90", "0.0500", "0.15"),  # 0.145      (0.14)
    ("0.10", "0.2500", "0.03"),  # 0.025      (0.02)
    ("0.01", "0.5000", "0.01"),  # 0.005      (0.00)
    ("1.49", "0.0100", "0.01"),  # 0.0149: rounded once (twice would give 0.015 → 0.02)
    ("0.99", "0.0050", "0.00"),  # 0.00495: just below the half
]


@pytest.mark.parametrize(("public", "rate", "expected"), HALF_UP_BENEFITS)
def test_rebate_rounds_half_up(public: str, rate: str, expected: str) -> None:
    price = price_charge(Decimal(public), 1, Benefit.REBATE, Decimal(rate), Decimal("0"))
    assert price.discount == Decimal(expected)
    assert price.net_amount == Decimal(public) - Decimal(expected)
    assert price.cashback is None


@pytest.mark.parametrize(("public", "rate", "expected"), HALF_UP_BENEFITS)
def test_cashback_rounds_half_up(public: str, rate: str, expected: str) -> None:
    price = price_charge(Decimal(public), 1, Benefit.CASHBACK, Decimal(rate), Decimal("0"))
    assert price.cashback == Decimal(expected)
    assert price.discount == Decimal("0.00")


@pytest.mark.parametrize(
    ("net", "vat", "tax"),
    [
        ("5.00", "0.0810", "0.41"),  # 0.405   (half-even 0.40)
        ("25.00", "0.0810", "2.03"),  # 2.025  (half-even 2.02)
        ("15.00", "0.0810", "1.22"),  # 1.215
        ("0.50", "0.2500", "0.13"),  # 0.125   (half-even 0.12)
        ("96.00", "0.0810", "7.78"),  # 7.776
        ("10.00", "0.0005", "0.01"),  # 0.005   (half-even 0.00)
        ("1.00", "0.0049", "0.00"),  # 0.0049: once, not 0.005 → 0.01
        ("120.00", "0.0810", "9.72"),  # exact
    ],
)
def test_tax_rounds_half_up(net: str, vat: str, tax: str) -> None:
    price = price_charge(Decimal(net), 1, Benefit.NONE, None, Decimal(vat))
    assert price.tax == Decimal(tax)
    assert price.total == Decimal(net) + Decimal(tax)


@st.composite
def at_half_cent(draw: st.DrawFn, max_cents: int) -> tuple[int, int]:
    """(amount in cents, rate in 1/10000) whose product is exactly at a half cent: x.xx5."""
    rate = draw(rate_units.filter(lambda r: r > 0 and r % 16 != 0))
    # Solve amount · rate ≡ 5000 (mod 10000): solvable iff gcd(rate, 10000) divides 5000.
    g = gcd(rate, RATE_SCALE)
    modulus = RATE_SCALE // g
    base = (5000 // g) * pow(rate // g, -1, modulus) % modulus
    assert base >= 1
    amount = base + modulus * draw(st.integers(min_value=0, max_value=(max_cents - base) // modulus))
    assert amount * rate % RATE_SCALE == 5000
    return amount, rate


@settings(max_examples=600, deadline=None)
@given(case=at_half_cent(MAX_UNIT_CENTS), benefit=st.sampled_from([Benefit.REBATE, Benefit.CASHBACK]))
def test_benefit_at_half_cent_rounds_up(case: tuple[int, int], benefit: Benefit) -> None:
    amount, rate = case
    price = price_charge(cents(amount), 1, benefit, ten_thousandths(rate), Decimal("0"))
    got = price.discount if benefit is Benefit.REBATE else price.cashback
    assert got is not None
    exact = cents(amount) * ten_thousandths(rate)
    assert got - exact == Decimal("0.005")  # up, by exactly half a cent
    assert to_cents(got) == (amount * rate + 5000) // RATE_SCALE


@settings(max_examples=600, deadline=None)
@given(case=at_half_cent(MAX_UNIT_CENTS))
def test_tax_at_half_cent_rounds_up(case: tuple[int, int]) -> None:
    amount, vat = case
    price = price_charge(cents(amount), 1, Benefit.NONE, None, ten_thousandths(vat))
    exact = cents(amount) * ten_thousandths(vat)
    assert price.tax - exact == Decimal("0.005")
    assert price.total == cents(amount) + price.tax
