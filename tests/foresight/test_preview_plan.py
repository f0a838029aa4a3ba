"""The preview's planner with no database: the twelve-month count at month ends, and renewals
that would be refused (no product, no price in the payer's currency, an amount too large)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from partnerbilling.billing.domain import Organization, Product, Subscription
from partnerbilling.billing.periods import add_months
from partnerbilling.billing.preview import PreviewInput, Refusal, Totals, plan_billing_mode_preview
from partnerbilling.billing.pricing import Tier
from partnerbilling.billing.routing import Access, BillingMode
from tests.billing.helpers import CUSTOMER_ID, PARTNER_ID, partnership

CUSTOMER = Organization(CUSTOMER_ID, "Acme", "CHF", Decimal("0.081"))
PARTNER = Organization(PARTNER_ID, "Agency", "EUR", Decimal("0.19"), Tier("gold", Decimal("0.1"), {}))
MONTHLY = Product("mail", "Mail", "mail", 1, {"CHF": Decimal("10.00"), "EUR": Decimal("9.00")})
CHF_ONLY = Product("domain", "Domain", "domain", 12, {"CHF": Decimal("13.45")})
JAN_31 = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


def _sub(sub_id: str, product: Product, quantity: int = 1, created: datetime = JAN_31) -> Subscription:
    end = add_months(created, product.period_months)
    return Subscription(
        sub_id, CUSTOMER_ID, product.sku, quantity, "direct", None, "active", True, created, end, created,
        None, None, None,
    )  # fmt: skip


def _input(*subs: Subscription, as_of: datetime = JAN_31) -> PreviewInput:
    products = {p.sku: p for p in (MONTHLY, CHF_ONLY)}
    terms = partnership(Access.FULL, BillingMode.CUSTOMER)
    return PreviewInput(CUSTOMER, PARTNER, terms, products, subs, as_of)


def test_a_monthly_subscription_renews_twelve_times_through_short_months() -> None:
    preview = plan_billing_mode_preview(_input(_sub("sub_mail", MONTHLY)), BillingMode.PARTNER)

    [renewal] = preview.renewals
    # Jan 31 → Feb 28 → Mar 31 …: the period ends stay at the month's end, none is lost.
    assert (renewal.renews_at, renewal.period_end) == (
        datetime(2026, 2, 28, 9, tzinfo=UTC),
        datetime(2026, 3, 31, 9, tzinfo=UTC),
    )
    assert renewal.renewals_in_horizon == 12
    assert preview.until == datetime(2027, 1, 31, 9, tzinfo=UTC)
    [customer_pays, partner_pays] = preview.twelve_months
    assert (customer_pays.payer_id, customer_pays.currency) == (CUSTOMER_ID, "CHF")
    assert customer_pays.now.total == Decimal("129.72")  # 12 × (10.00 + 0.81)
    assert customer_pays.after == Totals()
    assert (partner_pays.payer_id, partner_pays.currency) == (PARTNER_ID, "EUR")
    assert partner_pays.after.total == Decimal("128.52")  # 12 × (9.00 + 1.71)
    assert partner_pays.after.cashback == Decimal("10.80")  # 12 × 0.90, direct: no rebate


def test_refused_renewals_are_shown_and_left_out_of_the_totals() -> None:
    huge = _sub("sub_huge", CHF_ONLY, quantity=10**11)
    missing = _sub("sub_missing", Product("gone", "Gone", "mail", 12, {}))
    preview = plan_billing_mode_preview(
        _input(_sub("sub_domain", CHF_ONLY), huge, missing), BillingMode.PARTNER
    )

    by_id = {r.subscription.id: r for r in preview.renewals}
    assert by_id["sub_domain"].now.refusal is None
    assert by_id["sub_domain"].after.refusal is Refusal.PRICE_NOT_AVAILABLE
    assert by_id["sub_huge"].now.refusal is Refusal.AMOUNT_TOO_LARGE
    assert (by_id["sub_missing"].now.refusal, by_id["sub_missing"].renewals_in_horizon) == (
        Refusal.PRODUCT_UNAVAILABLE,
        0,
    )
    [row] = preview.twelve_months
    assert (row.payer_id, row.now.renewals, row.now.total, row.after) == (
        CUSTOMER_ID,
        1,
        Decimal("14.54"),
        Totals(),
    )
