"""``docs/who-pays.md``, the integrators' page, says what the billing rules compute: its who-pays
table row by row, and its worked examples to the cent."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from partnerbilling.billing.money import format_money
from partnerbilling.billing.pricing import Tier, price_charge
from partnerbilling.billing.routing import Access, Benefit, BillingMode, Channel, route_charge

from .helpers import CUSTOMER_ID, PARTNER_ID, partnership

PAGE = Path(__file__).resolve().parents[2] / "docs" / "who-pays.md"
GOLD = Tier("gold", Decimal("0.10"), {"hosting": Decimal("0.20"), "domain": Decimal("0.05")})
PRODUCTS = {"web-hosting-pro": ("hosting", Decimal("120.00")), "domain-ch": ("domain", Decimal("13.45"))}
VAT = Decimal("0.081")
NAMES = {CUSTOMER_ID: "Acme", PARTNER_ID: "WebAgency"}


def _rows(first_cell: str) -> list[list[str]]:
    """The page's table rows whose first cell matches ``first_cell``, as stripped cells."""
    rows = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(first_cell, cells[0]):
            rows.append(cells)
    return rows


def test_the_who_pays_table_on_the_page_is_the_routing_of_the_service() -> None:
    rows = _rows("full|limited")
    assert len(rows) == 5
    for access, mode, channel, payer, discount, net, cashback in rows:
        route = route_charge(
            CUSTOMER_ID,
            partnership(Access(access), BillingMode(mode.removesuffix(" (only)"))),
            Channel(channel),
        )
        assert payer == ("partner" if route.payer_id == PARTNER_ID else "customer"), access
        rebate = route.benefit is Benefit.REBATE
        assert (discount, net) == (("`round(P·d)`", "`P − discount`") if rebate else ("0", "`P`"))
        assert cashback == ("`round(P·d)`" if route.benefit is Benefit.CASHBACK else "none")


def test_the_worked_examples_on_the_page_are_what_the_service_charges() -> None:
    rows = _rows("[A-D]")
    assert [row[0] for row in rows] == ["A", "B", "C", "D"]
    for case, order, payer, *amounts in rows:
        found = re.fullmatch(r"billing mode (\w+), (\w+) orders (\d+) × ([\w-]+)", order)
        assert found, order
        mode, orderer, quantity, sku = found.groups()
        channel = Channel.PARTNER if orderer == "WebAgency" else Channel.DIRECT
        route = route_charge(CUSTOMER_ID, partnership(Access.FULL, BillingMode(mode)), channel)
        category, unit_price = PRODUCTS[sku]
        price = price_charge(unit_price, int(quantity), route.benefit, GOLD.rate_for(category), VAT)
        assert payer == NAMES[route.payer_id], case
        charged = [price.public_amount, price.discount, price.net_amount, price.tax, price.total]
        cashback = "—" if price.cashback is None else format_money(price.cashback)
        assert amounts == [*map(format_money, charged), cashback], case
