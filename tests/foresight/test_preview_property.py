"""The billing-mode preview promises (SPEC §11) that a switch followed by a renewal run charges
exactly what it showed. For random tiers, prices, quantities, VAT rates, currencies, channels and
modes: preview, switch, run the renewals of the next twelve months, and compare every renewal's
payer, channel and amounts with the preview's "after", and the sums per payer and currency with
its twelve-month totals; then switch back. Real PostgreSQL, a fresh database state per example."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.renewals.runner import renew_due_subscriptions
from tests.billing.helpers import cents, ten_thousandths
from tests.support import Api, Org, rows

CATEGORIES = ("hosting", "domain", "mail")
ZERO = Decimal("0.00")

rates = st.integers(0, 9999).map(lambda units: str(ten_thousandths(units)))
vat_rates = st.integers(0, 2500).map(lambda units: str(ten_thousandths(units)))
prices = st.integers(1, 100_000_00).map(lambda amount: str(cents(amount)))


@dataclass(frozen=True)
class Drawn:
    """One example: the tier, the products, the two organisations, the terms and the orders."""

    default_rate: str
    category_rates: dict[str, str]
    products: list[tuple[str, int, dict[str, str]]]  # category, period months, prices
    customer: tuple[str, str]  # currency, VAT rate
    partner: tuple[str, str]
    mode_now: str
    mode_after: str
    orders: list[tuple[int, int, bool]]  # product index, quantity, placed by the partner


@st.composite
def examples(draw: st.DrawFn) -> Drawn:
    products = draw(
        st.lists(
            st.tuples(
                st.sampled_from(CATEGORIES),
                st.sampled_from([1, 3, 12]),
                # Sometimes a price in one currency only: a payer in the other cannot be charged.
                st.dictionaries(st.sampled_from(["CHF", "EUR"]), prices, min_size=1),
            ),
            min_size=1,
            max_size=3,
        )
    )
    orders = st.tuples(st.integers(0, len(products) - 1), st.integers(1, 1000), st.booleans())
    return Drawn(
        default_rate=draw(rates),
        category_rates=draw(st.dictionaries(st.sampled_from(CATEGORIES), rates)),
        products=products,
        customer=(draw(st.sampled_from(["CHF", "EUR"])), draw(vat_rates)),
        partner=(draw(st.sampled_from(["CHF", "EUR"])), draw(vat_rates)),
        mode_now=draw(st.sampled_from(["customer", "partner"])),
        mode_after=draw(st.sampled_from(["customer", "partner"])),
        orders=draw(st.lists(orders, min_size=1, max_size=3)),
    )


async def _reset(engine: AsyncEngine, table_names: list[str]) -> None:
    async with transaction(engine) as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(table_names)} RESTART IDENTITY CASCADE"))


async def _set_up(api: Api, drawn: Drawn) -> tuple[Org, Org, str]:
    """The tier, the products, the two organisations, their active partnership and the orders
    (those the payer at the time can be charged for)."""
    tier = {"name": "Drawn", "default_rate": drawn.default_rate, "rates": drawn.category_rates}
    await api.ok(None, "PUT", "/v1/admin/reseller-tiers/drawn", json=tier)
    for i, (category, months, product_prices) in enumerate(drawn.products):
        product = {"name": f"P{i}", "category": category, "period_months": months, "prices": product_prices}
        await api.ok(None, "PUT", f"/v1/admin/products/p{i}", json=product)
    customer = await api.org("Customer", currency=drawn.customer[0], vat_rate=drawn.customer[1])
    partner = await api.org(
        "Partner", currency=drawn.partner[0], vat_rate=drawn.partner[1], reseller_tier="drawn"
    )
    partnership = await api.partnership(customer, partner, billing_mode=drawn.mode_now)
    for index, quantity, by_partner in drawn.orders:
        response = await api.call(
            partner if by_partner else customer,
            "POST",
            "/v1/orders",
            json={"customer_id": customer.id, "sku": f"p{index}", "quantity": quantity},
        )
        assert response.status_code == 201 or response.json()["code"] == "price_not_available", response.text
    return customer, partner, partnership["id"]


async def _renewals(db: AsyncEngine) -> list[Any]:
    """Every renewal order with its invoice and cashback, the earliest period first."""
    return await rows(
        db,
        "SELECT o.subscription_id, o.payer_id, o.channel, o.currency, o.public_amount, o.discount,"
        " o.net_amount, i.tax_rate, i.tax, i.total, c.rate AS cashback_rate,"
        " c.amount AS cashback_amount FROM orders o JOIN invoices i ON i.id = o.invoice_id"
        " LEFT JOIN cashback_entries c ON c.order_id = o.id"
        " WHERE o.kind = 'renewal' ORDER BY o.period_start, o.id",
    )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _as_charged(order: Any) -> dict[str, Any]:
    """A renewal as it was charged, in the preview's shape (the payer's and partner's fields)."""
    cashback = None
    if order.cashback_amount is not None:
        cashback = {"rate": str(order.cashback_rate.normalize()), "amount": _money(order.cashback_amount)}
    return {
        "payer_id": order.payer_id,
        "channel": order.channel,
        "currency": order.currency,
        "public_amount": _money(order.public_amount),
        "discount": _money(order.discount),
        "net_amount": _money(order.net_amount),
        "tax_rate": str(order.tax_rate.normalize()),
        "tax": _money(order.tax),
        "total": _money(order.total),
        "cashback": cashback,
    }


def _as_previewed(payers: dict[str, dict[str, Any]], partner_view: dict[str, Any]) -> dict[str, Any]:
    """The previewed charge with every field seen by someone: the price as its payer sees it,
    the cashback as the partner sees it."""
    previewed = {**payers[partner_view["payer_id"]], "cashback": partner_view["cashback"]}
    return {key: value for key, value in previewed.items() if key not in ("invoiced", "invoiced_at")}


def _normalised_rate(charge: dict[str, Any]) -> dict[str, Any]:
    """Rates compared by value ("0.2" and "0.2000" are one rate)."""
    cashback = charge["cashback"]
    if cashback is not None:
        cashback = {**cashback, "rate": str(Decimal(cashback["rate"]).normalize())}
    return {**charge, "tax_rate": str(Decimal(charge["tax_rate"]).normalize()), "cashback": cashback}


def _sums(renewals: list[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """What each payer was charged per currency, as the preview's totals spell it."""
    sums: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {
            "renewals": 0,
            **dict.fromkeys(("public_amount", "discount", "net_amount", "tax", "total", "cashback"), ZERO),
        }
    )
    for order in renewals:
        row = sums[(order.payer_id, order.currency)]
        row["renewals"] += 1
        for name in ("public_amount", "discount", "net_amount", "tax", "total"):
            row[name] += getattr(order, name)
        row["cashback"] += order.cashback_amount or ZERO
    return {
        key: {k: v if k == "renewals" else _money(v) for k, v in row.items()} for key, row in sums.items()
    }


def _previewed_sums(customer_view: dict[str, Any], partner_view: dict[str, Any]) -> dict[Any, Any]:
    """The preview's "after" totals with every field seen by someone, rows with renewals only."""
    mine = {
        (row["payer_id"], row["currency"]): row["after"]
        for view in (customer_view, partner_view)
        for row in view["twelve_months"]
        if row["after"]["total"] is not None  # the payer's own view of the row
    }
    cashback = {
        (row["payer_id"], row["currency"]): row["after"]["cashback"] for row in partner_view["twelve_months"]
    }
    return {key: {**totals, "cashback": cashback[key]} for key, totals in mine.items() if totals["renewals"]}


@given(drawn=examples())
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
async def test_a_switch_and_a_renewal_run_charge_what_the_preview_showed(
    api: Api, db: AsyncEngine, table_names: list[str], drawn: Drawn
) -> None:
    await _reset(db, table_names)
    customer, partner, partnership_id = await _set_up(api, drawn)
    path = f"/v1/partnerships/{partnership_id}/billing-mode-preview?billing_mode={drawn.mode_after}"
    views = {org.id: await api.ok(org, "GET", path) for org in (customer, partner)}

    await api.ok(
        customer, "PATCH", f"/v1/partnerships/{partnership_id}", json={"billing_mode": drawn.mode_after}
    )
    until = datetime.fromisoformat(views[customer.id]["until"])
    report = await renew_due_subscriptions(db, until)
    back = {"billing_mode": drawn.mode_now}
    restored = await api.ok(customer, "PATCH", f"/v1/partnerships/{partnership_id}", json=back)

    assert restored["billing_mode"] == drawn.mode_now
    renewals = await _renewals(db)
    first: dict[str, Any] = {}
    for order in renewals:
        first.setdefault(order.subscription_id, order)
    refused = set()
    previewed = zip(views[customer.id]["subscriptions"], views[partner.id]["subscriptions"], strict=True)
    for customer_row, partner_row in previewed:
        sub_id = customer_row["subscription_id"]
        assert partner_row["subscription_id"] == sub_id
        if partner_row["after"] is None:
            assert partner_row["after_refusal"] == "price_not_available"
            assert sub_id not in first, "a refused renewal is not charged"
            refused.add(sub_id)
            continue
        payers = {customer.id: customer_row["after"], partner.id: partner_row["after"]}
        expected = _normalised_rate(_as_previewed(payers, partner_row["after"]))
        assert _normalised_rate(_as_charged(first[sub_id])) == expected
    assert {f.subscription_id for f in report.failures} == refused
    assert report.renewed == len(renewals)
    assert _sums(renewals) == _previewed_sums(views[customer.id], views[partner.id])
