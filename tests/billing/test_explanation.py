"""A charge's explanation without a database: every step recomputed from the facts the charge
was priced with gives the planner's amounts to the cent, for every row of the who-pays table
(SPEC §2); each party sees only its steps (SPEC §3, §11); old orders say what they cannot know."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerbilling.billing.charge import ChargePlan, plan_order
from partnerbilling.billing.domain import Order, Organization, Product
from partnerbilling.billing.explanation import (
    UNKNOWN,
    ChargeFacts,
    explain_charge,
    facts_of_order,
    reverse_charged,
)
from partnerbilling.billing.money import round_money
from partnerbilling.billing.pricing import Tier
from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode, Channel
from partnerbilling.visibility import explanation_view

from .helpers import (
    CUSTOMER_ID,
    PARTNER_ID,
    STRANGER_ID,
    cents,
    channels,
    partnership,
    partnerships,
    quantities,
    rate_units,
    ten_thousandths,
    unit_cents,
)

AT = datetime(2026, 3, 31, 9, 30, tzinfo=UTC)
GOLD = Tier("gold", Decimal("0.10"), {"hosting": Decimal("0.20"), "domain": Decimal("0.05")})
VAT = Decimal("0.081")
ACME = Organization(CUSTOMER_ID, "Acme", "CHF", VAT)
WEBAGENCY = Organization(PARTNER_ID, "WebAgency", "CHF", VAT, GOLD)
HOSTING = Product("web-hosting-pro", "Web Hosting Pro", "hosting", 12, {"CHF": Decimal("120.00")})
DOMAIN = Product("domain-ch", "Domain .ch", "domain", 12, {"CHF": Decimal("13.45")})
MAIL = Product("mail", "Mail", "mail", 1, {"CHF": Decimal("7.35")})


def _plan(
    terms: ActivePartnership | None,
    channel: Channel,
    *,
    customer: Organization = ACME,
    partner: Organization = WEBAGENCY,
    product: Product = HOSTING,
    quantity: int = 1,
) -> ChargePlan:
    numbers = count(1)
    placed_by = PARTNER_ID if channel is Channel.PARTNER else CUSTOMER_ID
    return plan_order(
        customer, product, quantity, channel, placed_by, terms, partner if terms else None,
        lambda prefix: f"{prefix}_{next(numbers)}", AT,
    )  # fmt: skip


def _facts(plan: ChargePlan) -> ChargeFacts:
    return facts_of_order(plan.order, plan.invoice.tax_rate, reverse_charged(plan.invoice.buyer))


def _steps(viewer: str | None, plan: ChargePlan) -> dict[str, dict[str, Any]]:
    return {s["step"]: s for s in explanation_view(viewer, explain_charge(_facts(plan)))}


def _amount(step: dict[str, Any]) -> Decimal:
    """The step's rounded amount, after checking it is its exact value rounded as it says."""
    amount = step["result"]["amount"]
    exact, rounded = Decimal(amount["exact"]), Decimal(amount["rounded"])
    assert amount["rounding"] in ("half_up", "none")
    assert (round_money(exact) if amount["rounding"] == "half_up" else exact) == rounded
    return rounded


def _assert_recomputes(plan: ChargePlan) -> None:
    """Every amount of the platform's explanation, redone from the step's own inputs, is the
    planner's amount."""
    steps = _steps(None, plan)
    public = steps["public_amount"]
    assert Decimal(public["result"]["amount"]["exact"]) == (
        Decimal(public["inputs"]["unit_price"]) * public["inputs"]["quantity"]
    )
    assert _amount(public) == plan.order.public_amount
    discount = steps["discount"]
    if "rate" in discount["inputs"]:
        exact = Decimal(discount["inputs"]["public_amount"]) * Decimal(discount["inputs"]["rate"])
        assert Decimal(discount["result"]["amount"]["exact"]) == exact
    assert _amount(discount) == plan.order.discount
    net = steps["net_amount"]
    assert _amount(net) == Decimal(net["inputs"]["public_amount"]) - Decimal(net["inputs"]["discount"])
    assert _amount(net) == plan.order.net_amount
    tax = steps["tax"]
    assert Decimal(tax["result"]["amount"]["exact"]) == Decimal(tax["inputs"]["net_amount"]) * Decimal(
        tax["inputs"]["vat_rate"]
    )
    assert _amount(tax) == plan.invoice.tax
    assert _amount(steps["total"]) == plan.invoice.total == _amount(net) + _amount(tax)
    if plan.cashback is None:
        assert "cashback" not in steps
    else:
        cashback = steps["cashback"]
        exact = Decimal(cashback["inputs"]["public_amount"]) * Decimal(cashback["inputs"]["rate"])
        assert Decimal(cashback["result"]["amount"]["exact"]) == exact
        assert _amount(cashback) == plan.cashback.amount
        assert Decimal(steps["rate"]["result"]["rate"]) == plan.cashback.rate


@settings(max_examples=400, deadline=None)
@given(
    terms=partnerships,
    channel=channels,
    unit=unit_cents,
    quantity=quantities,
    rate=rate_units,
    default=rate_units,
    vat=rate_units,
    reverse_charge=st.booleans(),
    tiered=st.booleans(),
)
def test_recomputing_from_the_exact_values_gives_the_priced_amounts(
    terms: ActivePartnership | None,
    channel: Channel,
    unit: int,
    quantity: int,
    rate: int,
    default: int,
    vat: int,
    reverse_charge: bool,
    tiered: bool,
) -> None:
    tier = Tier("t", ten_thousandths(default), {"hosting": ten_thousandths(rate)}) if tiered else None
    partner = Organization(PARTNER_ID, "P", "CHF", ten_thousandths(vat), tier, reverse_charge=reverse_charge)
    customer = Organization(CUSTOMER_ID, "C", "CHF", ten_thousandths(vat), reverse_charge=reverse_charge)
    product = Product("p", "P", "hosting", 1, {"CHF": cents(unit)})
    plan = _plan(terms, channel, customer=customer, partner=partner, product=product, quantity=quantity)
    _assert_recomputes(plan)


WHO_PAYS = [
    (Access.FULL, BillingMode.CUSTOMER, Channel.PARTNER, "customer", "cashback"),
    (Access.FULL, BillingMode.CUSTOMER, Channel.DIRECT, "customer", "cashback"),
    (Access.FULL, BillingMode.PARTNER, Channel.PARTNER, "partner", "rebate"),
    (Access.FULL, BillingMode.PARTNER, Channel.DIRECT, "partner", "cashback"),
    (Access.LIMITED, BillingMode.CUSTOMER, Channel.DIRECT, "customer", "cashback"),
]


@pytest.mark.parametrize(("access", "mode", "channel", "payer", "benefit"), WHO_PAYS)
def test_the_route_step_is_the_row_of_the_who_pays_table(
    access: Access, mode: BillingMode, channel: Channel, payer: str, benefit: str
) -> None:
    plan = _plan(partnership(access, mode), channel)
    route = _steps(None, plan)["route"]
    assert route["inputs"] == {"access": access.value, "billing_mode": mode.value, "channel": channel.value}
    assert route["result"]["payer"] == payer
    assert route["result"]["benefit"] == benefit
    assert route["result"]["payer_id"] == plan.order.payer_id
    _assert_recomputes(plan)


def test_without_a_partnership_there_is_no_rate_and_no_cashback_step() -> None:
    steps = _steps(None, _plan(None, Channel.DIRECT))
    assert list(steps) == ["route", "public_amount", "discount", "net_amount", "tax", "total"]
    assert steps["route"]["inputs"] == {"access": None, "billing_mode": None, "channel": "direct"}
    assert steps["route"]["result"]["benefit"] == "none"


def test_worked_example_c_shows_the_exact_cashback_before_rounding() -> None:
    steps = _steps(PARTNER_ID, _plan(partnership(Access.FULL, BillingMode.CUSTOMER), Channel.DIRECT,
                                     product=DOMAIN, quantity=3))  # fmt: skip
    cashback = {"exact": "2.0175", "rounded": "2.02", "rounding": "half_up"}
    assert steps["cashback"]["result"]["amount"] == cashback
    assert steps["rate"]["inputs"] == {"tier": "gold", "category": "domain", "source": "category"}
    assert steps["rate"]["result"] == {"rate": "0.05"}


def test_a_category_without_a_rate_takes_the_default_and_no_tier_takes_nothing() -> None:
    terms = partnership(Access.FULL, BillingMode.CUSTOMER)
    default = _steps(None, _plan(terms, Channel.DIRECT, product=MAIL))["rate"]
    assert default["inputs"] == {"tier": "gold", "category": "mail", "source": "default"}
    assert default["result"] == {"rate": "0.1"}
    untiered = replace(WEBAGENCY, tier=None)
    none = _steps(None, _plan(terms, Channel.DIRECT, partner=untiered))
    assert none["rate"]["inputs"] == {"tier": None, "category": "hosting", "source": "no_tier"}
    assert none["cashback"]["result"]["amount"]["rounded"] == "0.00"


def test_reverse_charge_is_vat_rate_zero_with_its_rule() -> None:
    customer = replace(ACME, reverse_charge=True)
    tax = _steps(None, _plan(None, Channel.DIRECT, customer=customer))["tax"]
    assert tax["inputs"] == {"net_amount": "120.00", "vat_rate": "0", "reverse_charge": True}
    assert "reverse charge" in tax["rule"]
    assert tax["result"]["amount"]["rounded"] == "0.00"


@pytest.mark.parametrize(("access", "mode", "channel", "payer", "benefit"), WHO_PAYS)
def test_each_party_sees_only_its_steps(
    access: Access, mode: BillingMode, channel: Channel, payer: str, benefit: str
) -> None:
    plan = _plan(partnership(access, mode), channel)
    price = ["discount", "net_amount", "tax", "total"]
    customer = _steps(CUSTOMER_ID, plan)
    partner = _steps(PARTNER_ID, plan)
    assert customer["route"]["result"]["benefit"] is None
    assert partner["route"]["result"]["benefit"] == benefit
    if payer == "customer":
        assert list(customer) == ["route", "public_amount", *price]
        assert list(partner) == ["route", "rate", "public_amount", "cashback"]
    else:
        assert list(customer) == ["route", "public_amount"]
        cashback = ["cashback"] if benefit == "cashback" else []
        assert list(partner) == ["route", "rate", "public_amount", *price, *cashback]
    # Nobody else is a party; the API answers 404 before this, but the view shows it nothing private.
    assert list(_steps(STRANGER_ID, plan)) == ["route", "public_amount"]


def _old(order: Order) -> Order:
    """The order as stored before its terms were recorded."""
    return replace(order, access=None, billing_mode=None, tier_code=None, category=None, rate_source=None)


@pytest.mark.parametrize(
    ("access", "mode", "channel", "derived_access", "derived_mode"),
    [
        (Access.FULL, BillingMode.PARTNER, Channel.PARTNER, "full", "partner"),
        (Access.FULL, BillingMode.PARTNER, Channel.DIRECT, "full", "partner"),
        (Access.FULL, BillingMode.CUSTOMER, Channel.PARTNER, "full", "customer"),
        (Access.LIMITED, BillingMode.CUSTOMER, Channel.DIRECT, UNKNOWN, "customer"),
    ],
)
def test_an_old_order_derives_what_it_implies_and_says_unknown_otherwise(
    access: Access, mode: BillingMode, channel: Channel, derived_access: str, derived_mode: str
) -> None:
    plan = _plan(partnership(access, mode), channel)
    facts = facts_of_order(_old(plan.order), plan.invoice.tax_rate, False)
    assert (facts.access, facts.billing_mode) == (derived_access, derived_mode)
    assert (facts.tier_code, facts.category, facts.rate_source) == (UNKNOWN, UNKNOWN, UNKNOWN)
    assert facts.rate == plan.order.partner_rate
    # The amounts are still explained to the cent.
    old = explain_charge(facts)
    assert [s.result for s in old.steps if s.step != "rate"] == [
        s.result for s in explain_charge(_facts(plan)).steps if s.step != "rate"
    ]
