"""SPEC §2 "who pays": the table row by row, the refusals and the fallbacks (routing + pricing)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings

from partnerbilling.billing.pricing import price_charge
from partnerbilling.billing.routing import (
    Access,
    ActivePartnership,
    Benefit,
    BillingMode,
    Channel,
    ChargeRefused,
    initiating_channel,
    route_charge,
)

from .helpers import (
    CUSTOMER_ID,
    PARTNER_ID,
    PARTNERSHIP_ID,
    STRANGER_ID,
    VALID_TERMS,
    channels,
    partnership,
    partnerships,
)

# P = 1 x 120.00, d = 0.20 -> round(P·d) = 24.00; VAT 0.081.
UNIT = Decimal("120.00")
RATE = Decimal("0.2000")
VAT = Decimal("0.0810")
P = Decimal("120.00")
P_D = Decimal("24.00")
ZERO = Decimal("0.00")

# (access, billing mode, channel, caller, payer, benefit, discount, net, cashback)
# exactly the rows of the SPEC §2 table.
WHO_PAYS_TABLE = [
    pytest.param(
        Access.FULL, BillingMode.CUSTOMER, Channel.PARTNER, PARTNER_ID, CUSTOMER_ID,
        Benefit.CASHBACK, ZERO, P, P_D, id="full-customer-partner",
    ),
    pytest.param(
        Access.FULL, BillingMode.CUSTOMER, Channel.DIRECT, CUSTOMER_ID, CUSTOMER_ID,
        Benefit.CASHBACK, ZERO, P, P_D, id="full-customer-direct",
    ),
    pytest.param(
        Access.FULL, BillingMode.PARTNER, Channel.PARTNER, PARTNER_ID, PARTNER_ID,
        Benefit.REBATE, P_D, P - P_D, None, id="full-partner-partner",
    ),
    pytest.param(
        Access.FULL, BillingMode.PARTNER, Channel.DIRECT, CUSTOMER_ID, PARTNER_ID,
        Benefit.CASHBACK, ZERO, P, P_D, id="full-partner-direct",
    ),
    pytest.param(
        Access.LIMITED, BillingMode.CUSTOMER, Channel.DIRECT, CUSTOMER_ID, CUSTOMER_ID,
        Benefit.CASHBACK, ZERO, P, P_D, id="limited-customer-direct",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("access", "mode", "channel", "caller", "payer", "benefit", "discount", "net", "cashback"),
    WHO_PAYS_TABLE,
)
def test_who_pays_table_row(
    access: Access,
    mode: BillingMode,
    channel: Channel,
    caller: str,
    payer: str,
    benefit: Benefit,
    discount: Decimal,
    net: Decimal,
    cashback: Decimal | None,
) -> None:
    terms = partnership(access, mode)

    assert initiating_channel(caller, CUSTOMER_ID, terms) is channel

    route = route_charge(CUSTOMER_ID, terms, channel)
    assert route.channel is channel
    assert route.payer_id == payer
    assert route.partnership_id == PARTNERSHIP_ID
    assert route.partner_id == PARTNER_ID
    assert route.benefit is benefit

    price = price_charge(UNIT, 1, route.benefit, RATE, VAT)
    assert price.public_amount == P
    assert price.discount == discount
    assert price.net_amount == net
    assert price.net_amount == price.public_amount - price.discount
    if cashback is None:
        assert price.cashback is None
    else:
        assert price.cashback == cashback
    # The rate is copied onto every charge in which the partner benefits.
    assert price.partner_rate == RATE


def test_table_has_one_row_per_valid_combination() -> None:
    """The limited partner never initiates, so the table has 2 x 2 full rows + 1 limited row."""
    combos = {(row.values[0], row.values[1], row.values[2]) for row in WHO_PAYS_TABLE}
    expected = {
        (access, mode, channel)
        for access, mode in VALID_TERMS
        for channel in Channel
        if not (access is Access.LIMITED and channel is Channel.PARTNER)
    }
    assert combos == expected


@pytest.mark.parametrize("channel", list(Channel))
def test_no_active_partnership_customer_pays_public_price(channel: Channel) -> None:
    route = route_charge(CUSTOMER_ID, None, channel)
    assert route.payer_id == CUSTOMER_ID
    assert route.benefit is Benefit.NONE
    assert route.partnership_id is None
    assert route.partner_id is None
    # A renewal of a partner-initiated subscription becomes direct once the partnership ended.
    assert route.channel is Channel.DIRECT

    # Even if a rate is lying around, nobody benefits.
    price = price_charge(UNIT, 1, route.benefit, RATE, VAT)
    assert price.public_amount == P
    assert price.discount == ZERO
    assert price.net_amount == P
    assert price.cashback is None
    assert price.partner_rate is None
    assert price.tax == Decimal("9.72")
    assert price.total == Decimal("129.72")


def test_customer_is_direct_without_partnership() -> None:
    assert initiating_channel(CUSTOMER_ID, CUSTOMER_ID, None) is Channel.DIRECT


@pytest.mark.parametrize("mode", list(BillingMode))
def test_customer_is_direct_whatever_the_terms(mode: BillingMode) -> None:
    assert initiating_channel(CUSTOMER_ID, CUSTOMER_ID, partnership(Access.FULL, mode)) is (Channel.DIRECT)


def test_limited_partner_is_refused_visibly() -> None:
    with pytest.raises(ChargeRefused) as refused:
        initiating_channel(PARTNER_ID, CUSTOMER_ID, partnership(Access.LIMITED, BillingMode.CUSTOMER))
    assert refused.value.visible is True


@pytest.mark.parametrize(
    "terms",
    [None, *[partnership(access, mode) for access, mode in VALID_TERMS]],
    ids=["none", "full-customer", "full-partner", "limited-customer"],
)
def test_stranger_is_refused_invisibly(terms: ActivePartnership | None) -> None:
    with pytest.raises(ChargeRefused) as refused:
        initiating_channel(STRANGER_ID, CUSTOMER_ID, terms)
    assert refused.value.visible is False


def test_former_partner_without_active_partnership_is_refused_invisibly() -> None:
    """Once the partnership is no longer active (None), the old partner is just a stranger."""
    with pytest.raises(ChargeRefused) as refused:
        initiating_channel(PARTNER_ID, CUSTOMER_ID, None)
    assert refused.value.visible is False


def test_partner_channel_on_limited_partnership_falls_back_to_direct_with_cashback() -> None:
    terms = partnership(Access.LIMITED, BillingMode.CUSTOMER)
    route = route_charge(CUSTOMER_ID, terms, Channel.PARTNER)
    assert route.channel is Channel.DIRECT
    assert route.payer_id == CUSTOMER_ID
    assert route.benefit is Benefit.CASHBACK
    assert route.partnership_id == PARTNERSHIP_ID
    assert route.partner_id == PARTNER_ID

    price = price_charge(UNIT, 1, route.benefit, RATE, VAT)
    assert price.discount == ZERO
    assert price.net_amount == P
    assert price.cashback == P_D


def test_billing_mode_read_at_the_moment_of_the_charge() -> None:
    """Same partner, same channel: the mode in force at the charge decides payer and benefit."""
    before = route_charge(CUSTOMER_ID, partnership(Access.FULL, BillingMode.CUSTOMER), Channel.PARTNER)
    after = route_charge(CUSTOMER_ID, partnership(Access.FULL, BillingMode.PARTNER), Channel.PARTNER)
    assert (before.payer_id, before.benefit) == (CUSTOMER_ID, Benefit.CASHBACK)
    assert (after.payer_id, after.benefit) == (PARTNER_ID, Benefit.REBATE)


@settings(max_examples=500, deadline=None)
@given(terms=partnerships, channel=channels)
def test_rebate_only_when_partner_initiates_and_pays(
    terms: ActivePartnership | None, channel: Channel
) -> None:
    route = route_charge(CUSTOMER_ID, terms, channel)
    if terms is None:
        assert route.benefit is Benefit.NONE
        assert route.payer_id == CUSTOMER_ID
        return
    # Every charge of an active partnership benefits the partner, one way or the other.
    assert route.benefit in (Benefit.REBATE, Benefit.CASHBACK)
    initiates_and_pays = route.channel is Channel.PARTNER and route.payer_id == PARTNER_ID
    assert (route.benefit is Benefit.REBATE) == initiates_and_pays
    # The payer is always one of the two parties, and the partner only in mode partner.
    assert route.payer_id in (CUSTOMER_ID, PARTNER_ID)
    assert (route.payer_id == PARTNER_ID) == (terms.billing_mode is BillingMode.PARTNER)
