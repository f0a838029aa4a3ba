"""The charge planned without a database: :func:`plan_charge` and :func:`plan_order` over the
who-pays table (SPEC §2), both currencies, the worked examples to the cent, renewals, refusals
and who is told what."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from partnerbilling.billing.charge import (
    ChargePlan,
    ChargeRequest,
    NoPriceInCurrency,
    plan_charge,
    plan_order,
)
from partnerbilling.billing.credit import plan_credit_note
from partnerbilling.billing.domain import Organization, PlannedEvent, Product, event_rows
from partnerbilling.billing.issue import PERIOD_MOMENTS, numbered
from partnerbilling.billing.pricing import AmountTooLarge, Tier
from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode, Channel
from partnerbilling.events.schemas import EventType
from partnerbilling.states import OrderKind

from .helpers import CUSTOMER_ID, PARTNER_ID, PARTNERSHIP_ID, partnership

AT = datetime(2026, 3, 31, 9, 30, tzinfo=UTC)
GOLD = Tier("gold", Decimal("0.10"), {"hosting": Decimal("0.20"), "domain": Decimal("0.05")})
VAT = Decimal("0.081")
ACME = Organization(CUSTOMER_ID, "Acme", "CHF", VAT)
WEBAGENCY = Organization(PARTNER_ID, "WebAgency", "CHF", VAT, GOLD)
HOSTING = Product(
    "web-hosting-pro", "Web Hosting Pro", "hosting", 12, {"CHF": Decimal("120.00"), "EUR": Decimal("125.00")}
)
DOMAIN = Product("domain-ch", "Domain .ch", "domain", 12, {"CHF": Decimal("13.45")})


def _order(
    terms: ActivePartnership | None,
    channel: Channel,
    *,
    customer: Organization = ACME,
    partner: Organization | None = WEBAGENCY,
    product: Product = HOSTING,
    quantity: int = 1,
) -> ChargePlan:
    placed_by = PARTNER_ID if channel is Channel.PARTNER else CUSTOMER_ID
    numbers = count(1)
    return plan_order(
        customer,
        product,
        quantity,
        channel,
        placed_by,
        terms,
        partner if terms is not None else None,
        lambda prefix: f"{prefix}_{next(numbers)}",
        AT,
    )


def _renewal(terms: ActivePartnership | None, channel: Channel, **kwargs: object) -> ChargePlan:
    numbers = count(1)
    request = ChargeRequest(
        kind=OrderKind.RENEWAL,
        customer=ACME,
        product=HOSTING,
        quantity=2,
        channel=channel,
        placed_by_id=None,
        partnership=terms,
        partner=WEBAGENCY if terms is not None else None,
        subscription_id="sub_9",
        period_start=AT,
        period_end=datetime(2027, 3, 31, 9, 30, tzinfo=UTC),
        at=AT,
        **kwargs,  # type: ignore[arg-type]
    )
    return plan_charge(request, lambda prefix: f"{prefix}_{next(numbers)}")


def _events(plan: ChargePlan) -> list[tuple[str, tuple[str | None, ...]]]:
    return [(e.type, e.recipients) for e in plan.events]


# The who-pays table of SPEC §2: access, mode, channel → payer, discount, cashback (P = 120.00,
# d = 0.20 for hosting).
WHO_PAYS = [
    (Access.FULL, BillingMode.CUSTOMER, Channel.PARTNER, CUSTOMER_ID, "0.00", "24.00"),
    (Access.FULL, BillingMode.CUSTOMER, Channel.DIRECT, CUSTOMER_ID, "0.00", "24.00"),
    (Access.FULL, BillingMode.PARTNER, Channel.PARTNER, PARTNER_ID, "24.00", None),
    (Access.FULL, BillingMode.PARTNER, Channel.DIRECT, PARTNER_ID, "0.00", "24.00"),
    (Access.LIMITED, BillingMode.CUSTOMER, Channel.DIRECT, CUSTOMER_ID, "0.00", "24.00"),
]


@pytest.mark.parametrize(("access", "mode", "channel", "payer", "discount", "cashback"), WHO_PAYS)
def test_every_row_of_the_who_pays_table_is_planned_as_the_spec_says(
    access: Access, mode: BillingMode, channel: Channel, payer: str, discount: str, cashback: str | None
) -> None:
    plan = _order(partnership(access, mode), channel)
    order = plan.order
    assert (order.payer_id, order.channel) == (payer, channel.value)
    assert (order.partnership_id, order.partner_id) == (PARTNERSHIP_ID, PARTNER_ID)
    assert order.public_amount == Decimal("120.00")
    assert order.discount == Decimal(discount)
    assert order.net_amount == Decimal("120.00") - Decimal(discount)
    assert order.partner_rate == Decimal("0.20")
    assert plan.invoice.payer_id == payer and plan.invoice.customer_id == CUSTOMER_ID
    if cashback is None:
        assert plan.cashback is None and order.cashback_amount is None
    else:
        assert plan.cashback is not None
        assert (plan.cashback.partner_id, plan.cashback.amount) == (PARTNER_ID, Decimal(cashback))
        assert (plan.cashback.status, plan.cashback.order_id) == ("pending", order.id)
        assert (order.cashback_amount, order.cashback_status) == (Decimal(cashback), "pending")


def test_without_a_partnership_the_customer_pays_the_public_amount_and_nobody_earns() -> None:
    plan = _order(None, Channel.DIRECT)
    order = plan.order
    assert (order.payer_id, order.channel, order.partnership_id, order.partner_id) == (
        CUSTOMER_ID,
        "direct",
        None,
        None,
    )
    assert (order.discount, order.net_amount, order.partner_rate) == (
        Decimal("0.00"),
        Decimal("120.00"),
        None,
    )
    assert plan.cashback is None
    assert plan.invoice.total == Decimal("129.72")


def test_a_limited_partners_renewal_falls_back_to_direct() -> None:
    plan = _renewal(partnership(Access.LIMITED, BillingMode.CUSTOMER), Channel.PARTNER)
    assert (plan.order.channel, plan.order.payer_id) == ("direct", CUSTOMER_ID)
    assert plan.cashback is not None and plan.cashback.amount == Decimal("48.00")


@pytest.mark.parametrize(
    ("case", "mode", "channel", "product", "quantity", "payer", "total", "cashback"),
    [
        ("A", BillingMode.CUSTOMER, Channel.PARTNER, HOSTING, 1, CUSTOMER_ID, "129.72", "24.00"),
        ("B", BillingMode.PARTNER, Channel.PARTNER, HOSTING, 1, PARTNER_ID, "103.78", None),
        ("C", BillingMode.CUSTOMER, Channel.DIRECT, DOMAIN, 3, CUSTOMER_ID, "43.62", "2.02"),
        ("D", BillingMode.PARTNER, Channel.DIRECT, DOMAIN, 3, PARTNER_ID, "43.62", "2.02"),
    ],
)
def test_the_worked_examples_are_planned_to_the_cent(
    case: str,
    mode: BillingMode,
    channel: Channel,
    product: Product,
    quantity: int,
    payer: str,
    total: str,
    cashback: str | None,
) -> None:
    plan = _order(partnership(Access.FULL, mode), channel, product=product, quantity=quantity)
    assert plan.invoice.payer_id == payer, case
    assert str(plan.invoice.total) == total, case
    assert plan.invoice.subtotal + plan.invoice.tax == plan.invoice.total
    assert (str(plan.cashback.amount) if plan.cashback else None) == cashback, case


def test_the_order_is_charged_in_the_payers_currency_at_the_payers_vat() -> None:
    customer = Organization(CUSTOMER_ID, "Acme GmbH", "EUR", Decimal("0.19"))
    partner_pays = partnership(Access.FULL, BillingMode.PARTNER)
    customer_pays = partnership(Access.FULL, BillingMode.CUSTOMER)

    in_chf = _order(partner_pays, Channel.DIRECT, customer=customer)
    assert (in_chf.order.currency, in_chf.order.unit_price, in_chf.invoice.tax) == (
        "CHF",
        Decimal("120.00"),
        Decimal("9.72"),
    )
    assert in_chf.cashback is not None and in_chf.cashback.currency == "CHF"

    in_eur = _order(customer_pays, Channel.PARTNER, customer=customer)
    assert (in_eur.order.currency, in_eur.order.unit_price, in_eur.invoice.currency) == (
        "EUR",
        Decimal("125.00"),
        "EUR",
    )
    assert in_eur.invoice.tax_rate == Decimal("0.19") and in_eur.invoice.tax == Decimal("23.75")
    assert in_eur.cashback is not None
    assert (in_eur.cashback.currency, in_eur.cashback.amount) == ("EUR", Decimal("25.00"))


def test_no_price_in_the_payers_currency_is_refused() -> None:
    customer = Organization(CUSTOMER_ID, "Acme GmbH", "EUR", Decimal("0.19"))
    with pytest.raises(NoPriceInCurrency) as refused:
        _order(None, Channel.DIRECT, customer=customer, product=DOMAIN)
    assert (refused.value.sku, refused.value.currency) == ("domain-ch", "EUR")
    # The partner pays in CHF, where the product has a price: that charge is made.
    plan = _order(
        partnership(Access.FULL, BillingMode.PARTNER), Channel.DIRECT, customer=customer, product=DOMAIN
    )
    assert plan.order.currency == "CHF"


def test_an_amount_too_large_to_store_is_refused() -> None:
    with pytest.raises(AmountTooLarge):
        _order(None, Channel.DIRECT, product=Product("big", "Big", "hosting", 1, {"CHF": Decimal("1e12")}))


def test_a_partner_without_a_tier_earns_nothing() -> None:
    untiered = Organization(PARTNER_ID, "WebAgency", "CHF", VAT, None)
    plan = _order(partnership(Access.FULL, BillingMode.CUSTOMER), Channel.DIRECT, partner=untiered)
    assert plan.order.partner_rate == Decimal(0)
    assert plan.cashback is not None and plan.cashback.amount == Decimal("0.00")


def test_a_new_order_plans_its_subscription_and_the_first_periods_invoice() -> None:
    plan = _order(partnership(Access.FULL, BillingMode.CUSTOMER), Channel.PARTNER)
    sub = plan.subscription
    assert sub is not None
    assert (sub.id, sub.status, sub.auto_renew, sub.origin_channel, sub.origin_partnership_id) == (
        "sub_1",
        "active",
        True,
        "partner",
        PARTNERSHIP_ID,
    )
    assert (sub.current_period_start, sub.current_period_end) == (
        AT,
        datetime(2027, 3, 31, 9, 30, tzinfo=UTC),
    )
    order = plan.order
    assert (order.kind, order.subscription_id, order.placed_by_id) == ("new", "sub_1", PARTNER_ID)
    assert (order.period_start, order.period_end, order.created_at) == (AT, sub.current_period_end, AT)
    assert (plan.invoice.id, plan.invoice.order_id) == (order.invoice_id, order.id)
    assert plan.invoice.issued_at == AT and plan.invoice.number is None
    [line] = plan.invoice.lines
    assert line == {
        "description": "Web Hosting Pro, order",
        "product_name": "Web Hosting Pro",
        "kind": "order",
        "sku": "web-hosting-pro",
        "quantity": 1,
        "unit_price": "120.00",
        "amount": "120.00",
        "discount": "0.00",
        "net_amount": "120.00",
        "customer_id": CUSTOMER_ID,
        "customer_name": "Acme",
        "period_start": "2026-03-31",
        "period_end": "2027-03-31",
        PERIOD_MOMENTS: (AT, sub.current_period_end),
    }
    # As issued: its days in the issuer's zone, and its description with the last day billed.
    [issued] = numbered(plan.invoice, 2026, 1, AT, None, ZoneInfo("Europe/Zurich")).lines
    assert PERIOD_MOMENTS not in issued
    assert issued["description"] == "Web Hosting Pro, order, 31 Mar 2026 – 30 Mar 2027"
    assert (issued["period_start"], issued["period_end"]) == ("2026-03-31", "2027-03-31")


def test_a_renewal_charges_its_subscriptions_period_and_says_so() -> None:
    renewed = PlannedEvent(
        EventType.SUBSCRIPTION_RENEWED, (CUSTOMER_ID, PARTNER_ID), lambda v: {"id": "sub_9"}
    )
    plan = _renewal(partnership(Access.FULL, BillingMode.PARTNER), Channel.DIRECT, also_emit=(renewed,))
    assert plan.subscription is None
    assert (plan.order.kind, plan.order.subscription_id, plan.order.placed_by_id) == (
        "renewal",
        "sub_9",
        None,
    )
    assert plan.order.quantity == 2 and plan.order.public_amount == Decimal("240.00")
    assert plan.invoice.lines[0]["description"] == "Web Hosting Pro, renewal"
    assert plan.events[-1] is renewed


def test_the_events_and_who_sees_what() -> None:
    plan = _order(partnership(Access.FULL, BillingMode.CUSTOMER), Channel.PARTNER)
    assert _events(plan) == [
        ("order.created", (CUSTOMER_ID, PARTNER_ID)),
        ("cashback.credited", (PARTNER_ID,)),
    ]
    created, credited = plan.events
    for_customer, for_partner = created.view(CUSTOMER_ID), created.view(PARTNER_ID)
    assert for_customer is not None and for_partner is not None
    assert for_customer["net_amount"] == "120.00" and for_customer["cashback"] is None
    assert for_partner["net_amount"] is None and for_partner["cashback"]["amount"] == "24.00"
    assert created.view("org_stranger") is None
    assert credited.view(CUSTOMER_ID) is None
    entry = credited.view(PARTNER_ID)
    assert entry is not None and (entry["amount"], entry["status"]) == ("24.00", "pending")

    rebate = _order(partnership(Access.FULL, BillingMode.PARTNER), Channel.PARTNER)
    assert _events(rebate) == [("order.created", (CUSTOMER_ID, PARTNER_ID))]
    alone = _order(None, Channel.DIRECT)
    assert _events(alone) == [("order.created", (CUSTOMER_ID, None))]


def test_a_credit_note_negates_the_invoice() -> None:
    invoice = _order(partnership(Access.FULL, BillingMode.PARTNER), Channel.PARTNER).invoice
    later = datetime(2026, 4, 2, tzinfo=UTC)
    note = plan_credit_note(invoice, "inv_9", "duplicate", later)
    assert (note.id, note.kind, note.credits_invoice_id, note.reason, note.issued_at) == (
        "inv_9",
        "credit_note",
        invoice.id,
        "duplicate",
        later,
    )
    assert (note.payer_id, note.order_id, note.currency, note.tax_rate) == (
        invoice.payer_id,
        invoice.order_id,
        invoice.currency,
        invoice.tax_rate,
    )
    assert (note.subtotal, note.tax, note.total) == (Decimal("-96.00"), Decimal("-7.78"), Decimal("-103.78"))
    [line] = note.lines
    assert (line["unit_price"], line["amount"], line["discount"], line["net_amount"]) == (
        "120.00",
        "-120.00",
        "-24.00",
        "-96.00",
    )


SRC = Path(__file__).resolve().parents[2] / "src" / "partnerbilling"
# The names the planner shares with the services: they import only other pure names.
PURE_NAMES = {"partnerbilling.events.schemas", "partnerbilling.states", "partnerbilling.jsonio"}


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return modules | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}


def _is_io(module: str) -> bool:
    return module.split(".")[0] in ("sqlalchemy", "asyncpg", "fastapi", "starlette", "httpx")


def test_the_planner_does_no_io() -> None:
    """The planning modules import only the billing rules, the views and the names of event
    types and states, never the database."""
    for name in ("charge.py", "credit.py", "domain.py"):
        modules = _imported(SRC / "billing" / name)
        ours = {m for m in modules if m.startswith("partnerbilling")}
        assert (
            ours
            <= {
                f"partnerbilling.billing.{m}"
                for m in ("domain", "issue", "money", "periods", "pricing", "routing")
            }
            # The words of each language: data, and the formats of CLDR's.
            | {"partnerbilling.visibility", "partnerbilling.language"}
            | PURE_NAMES
        ), name
        assert not {m for m in modules if _is_io(m)}, name


def test_the_names_the_planner_imports_import_nothing_impure() -> None:
    seen: set[str] = set()
    todo = set(PURE_NAMES)
    while todo:
        module = todo.pop()
        seen.add(module)
        path = SRC.joinpath(*module.split(".")[1:]).with_suffix(".py")
        modules = _imported(path)
        assert not {m for m in modules if _is_io(m)}, module
        todo |= {m for m in modules if m.startswith("partnerbilling.")} - seen
    assert {"partnerbilling.enums", "partnerbilling.errors"} <= seen


def test_events_are_recorded_once_per_recipient_that_may_see_them() -> None:
    # A customer ordering for itself with no partner: the partner slot is empty.
    alone = _order(None, Channel.DIRECT)
    assert [(org, kind) for org, kind, _ in event_rows(alone.events)] == [(CUSTOMER_ID, "order.created")]
    repeated = PlannedEvent(
        EventType.INVOICE_PAID,
        (CUSTOMER_ID, None, CUSTOMER_ID, "org_hidden"),
        lambda v: None if v == "org_hidden" else {"v": v},
    )
    assert event_rows([repeated]) == [(CUSTOMER_ID, "invoice.paid", {"v": CUSTOMER_ID})]
    plan = _order(partnership(Access.FULL, BillingMode.CUSTOMER), Channel.PARTNER)
    rows = event_rows(plan.events)
    assert [(org, kind) for org, kind, _ in rows] == [
        (CUSTOMER_ID, "order.created"),
        (PARTNER_ID, "order.created"),
        (PARTNER_ID, "cashback.credited"),
    ]
    assert rows[0][2]["cashback"] is None and rows[1][2]["cashback"] is not None
