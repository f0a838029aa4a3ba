"""Shared helpers and strategies for the pure billing-rule tests: no database, no float."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode, Channel

CUSTOMER_ID = "org_customer"
PARTNER_ID = "org_partner"
STRANGER_ID = "org_stranger"
PARTNERSHIP_ID = "pship_1"

# Amounts in the SPEC's own precision: prices in cents, rates and VAT in 1/10000.
MAX_UNIT_CENTS = 100_000_00  # 100000.00
RATE_SCALE = 10_000  # rates carry at most four decimals


def partnership(access: Access, mode: BillingMode) -> ActivePartnership:
    return ActivePartnership(id=PARTNERSHIP_ID, partner_id=PARTNER_ID, access=access, billing_mode=mode)


def cents(amount: int) -> Decimal:
    """An integer number of cents as a two-decimal Decimal (exponent -2), no float involved."""
    return Decimal(amount).scaleb(-2)


def ten_thousandths(amount: int) -> Decimal:
    """An integer number of 1/10000 as a four-decimal Decimal (like NUMERIC(5, 4))."""
    return Decimal(amount).scaleb(-4)


def to_cents(amount: Decimal) -> int:
    """A Decimal with at most two decimals as an exact integer number of cents."""
    scaled = amount.scaleb(2)
    assert scaled == scaled.to_integral_value(), amount
    return int(scaled)


def half_up_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for non-negative integers (pure int math)."""
    assert numerator >= 0
    assert denominator > 0
    return (2 * numerator + denominator) // (2 * denominator)


# Valid combinations only: billing mode ``partner`` requires ``full`` access (SPEC §1).
VALID_TERMS = [
    (Access.FULL, BillingMode.CUSTOMER),
    (Access.FULL, BillingMode.PARTNER),
    (Access.LIMITED, BillingMode.CUSTOMER),
]

unit_cents = st.integers(min_value=1, max_value=MAX_UNIT_CENTS)
quantities = st.integers(min_value=1, max_value=1000)
rate_units = st.integers(min_value=0, max_value=RATE_SCALE - 1)
channels = st.sampled_from(list(Channel))
partnerships = st.one_of(
    st.none(),
    st.sampled_from(VALID_TERMS).map(lambda terms: partnership(*terms)),
)


@st.composite
def rates(draw: st.DrawFn) -> tuple[int, Decimal]:
    """A rate in [0, 1) with at most four decimals: (units of 1/10000, Decimal),
    sometimes with trailing zeros (``0.2000``), sometimes normalised (``0.2``)."""
    units = draw(rate_units)
    value = ten_thousandths(units)
    if draw(st.booleans()):
        value = value.normalize()
    return units, value
