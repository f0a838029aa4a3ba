"""The billing-mode preview (SPEC §11), planned with no I/O: each renewing subscription's next
renewal under the partnership as it is and as it would be after a switch of billing mode, and
what every payer would pay over the next twelve months under each.

Every renewal is planned by :func:`~partnerbilling.billing.renewal.next_automatic_renewal` and
:func:`~partnerbilling.billing.charge.plan_charge`, as the renewal run plans it, so that a switch
followed by a run charges exactly what was previewed while prices and rates stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from partnerbilling.billing.charge import ChargePlan, NoPriceInCurrency, plan_charge
from partnerbilling.billing.domain import Organization, Product, Subscription
from partnerbilling.billing.money import ZERO
from partnerbilling.billing.periods import add_months
from partnerbilling.billing.pricing import AmountTooLarge
from partnerbilling.billing.renewal import next_automatic_renewal, next_period
from partnerbilling.billing.routing import ActivePartnership, BillingMode
from partnerbilling.enums import LiteralEnum

# How far the totals look ahead.
HORIZON_MONTHS = 12


class Refusal(LiteralEnum):
    """Why a renewal would fail instead of charging (the renewal run reports it as failed)."""

    PRICE_NOT_AVAILABLE = "price_not_available"  # no price in the payer's currency
    PRODUCT_UNAVAILABLE = "product_unavailable"  # the product left the catalogue
    AMOUNT_TOO_LARGE = "amount_too_large"  # an amount too large to store


@dataclass(frozen=True, slots=True)
class PreviewInput:
    """What the preview is planned from, as loaded: the partnership's customer and partner (with
    its tier, None if it is gone), the partnership now, the catalogue products of the
    subscriptions (by sku) and the subscriptions the renewal run would renew."""

    customer: Organization
    partner: Organization | None
    partnership: ActivePartnership
    products: Mapping[str, Product]
    subscriptions: Sequence[Subscription]
    as_of: datetime


@dataclass(frozen=True, slots=True)
class PlannedRenewal:
    """A renewal as planned under one billing mode: its charge, or why it would be refused."""

    plan: ChargePlan | None
    refusal: Refusal | None


@dataclass(frozen=True, slots=True)
class RenewalPreview:
    """A subscription's next renewal (at ``renews_at``, for the period up to ``period_end``) now and
    after the switch, and how many of its renewals fall within the horizon."""

    subscription: Subscription
    renews_at: datetime
    period_end: datetime
    now: PlannedRenewal
    after: PlannedRenewal
    renewals_in_horizon: int


@dataclass(frozen=True, slots=True)
class Totals:
    """The sum of a payer's renewal charges in one currency under one billing mode; ``cashback``
    is the partner's cashback on them."""

    renewals: int = 0
    public_amount: Decimal = ZERO
    discount: Decimal = ZERO
    net_amount: Decimal = ZERO
    tax: Decimal = ZERO
    total: Decimal = ZERO
    cashback: Decimal = ZERO

    def plus(self, plan: ChargePlan, times: int) -> Totals:
        """These totals and ``times`` charges like ``plan``'s."""
        order, invoice = plan.order, plan.invoice
        cashback = plan.cashback.amount if plan.cashback is not None else ZERO
        return Totals(
            self.renewals + times,
            self.public_amount + order.public_amount * times,
            self.discount + order.discount * times,
            self.net_amount + order.net_amount * times,
            self.tax + invoice.tax * times,
            self.total + invoice.total * times,
            self.cashback + cashback * times,
        )


@dataclass(frozen=True, slots=True)
class PayerTotals:
    """What one payer pays in one currency over the horizon, now and after the switch."""

    payer_id: str
    currency: str
    now: Totals
    after: Totals


@dataclass(frozen=True, slots=True)
class BillingModePreview:
    """The preview of a switch from ``partnership``'s billing mode to ``billing_mode_after``,
    planned at ``as_of``; the totals reach ``until``."""

    partnership: ActivePartnership
    billing_mode_after: BillingMode
    as_of: datetime
    until: datetime
    renewals: tuple[RenewalPreview, ...]
    twelve_months: tuple[PayerTotals, ...]


def _placeholder_id(prefix: str) -> str:
    """Nothing planned here is written: its ids only need to be told apart from real ones."""
    return f"{prefix}_preview"


def plan_billing_mode_preview(given: PreviewInput, billing_mode: BillingMode) -> BillingModePreview:
    """Plan every subscription's next renewal under the current terms and under ``billing_mode``,
    and the totals of every renewal due up to twelve months after ``as_of``."""
    after = replace(given.partnership, billing_mode=billing_mode)
    until = add_months(given.as_of, HORIZON_MONTHS)
    renewals = tuple(
        _preview_renewal(given, sub, after, until)
        for sub in sorted(given.subscriptions, key=lambda s: (s.current_period_end, s.id))
    )
    return BillingModePreview(
        given.partnership, billing_mode, given.as_of, until, renewals, _twelve_months(renewals)
    )


def _preview_renewal(
    given: PreviewInput, sub: Subscription, after: ActivePartnership, until: datetime
) -> RenewalPreview:
    product = given.products.get(sub.sku)
    period_end = sub.current_period_end
    if product is not None:
        _, period_end = next_period(sub.created_at, sub.current_period_end, product.period_months)
    return RenewalPreview(
        subscription=sub,
        renews_at=sub.current_period_end,
        period_end=period_end,
        now=_plan_renewal(given, sub, product, given.partnership),
        after=_plan_renewal(given, sub, product, after),
        renewals_in_horizon=_renewals_until(sub, product, until),
    )


def _plan_renewal(
    given: PreviewInput, sub: Subscription, product: Product | None, terms: ActivePartnership
) -> PlannedRenewal:
    """The next renewal's charge under ``terms``, exactly as the renewal run would plan it."""
    if product is None:
        return PlannedRenewal(None, Refusal.PRODUCT_UNAVAILABLE)
    request = next_automatic_renewal(sub, given.customer, product, terms, given.partner)
    try:
        return PlannedRenewal(plan_charge(request, _placeholder_id), None)
    except NoPriceInCurrency:
        return PlannedRenewal(None, Refusal.PRICE_NOT_AVAILABLE)
    except AmountTooLarge:
        return PlannedRenewal(None, Refusal.AMOUNT_TOO_LARGE)


def _renewals_until(sub: Subscription, product: Product | None, until: datetime) -> int:
    """How many renewals the run makes for ``sub`` with ``as_of = until``: one per period that
    starts at or before it (an overdue one, not yet renewed, included)."""
    if product is None:
        return 0
    count, period_end = 0, sub.current_period_end
    while period_end <= until:
        count += 1
        _, period_end = next_period(sub.created_at, period_end, product.period_months)
    return count


def _twelve_months(renewals: Iterable[RenewalPreview]) -> tuple[PayerTotals, ...]:
    """Per payer and currency, the sum of the renewals within the horizon under each mode. The
    renewals of one subscription are priced alike (same product, quantity, rate, VAT rate and
    route), so each counts its next renewal's charge as many times as it renews."""
    now: dict[tuple[str, str], Totals] = {}
    after: dict[tuple[str, str], Totals] = {}
    for renewal in renewals:
        for planned, sums in ((renewal.now, now), (renewal.after, after)):
            if planned.plan is not None and renewal.renewals_in_horizon:
                key = (planned.plan.order.payer_id, planned.plan.order.currency)
                sums[key] = sums.get(key, Totals()).plus(planned.plan, renewal.renewals_in_horizon)
    totals = []
    for key in sorted(now.keys() | after.keys()):
        payer_id, currency = key
        totals.append(PayerTotals(payer_id, currency, now.get(key, Totals()), after.get(key, Totals())))
    return tuple(totals)
