"""Exact money (SPEC §2): half-up rounding to the cent, once; JSON strings for money and rates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerbilling.billing.money import CENT, ZERO, format_money, format_rate, round_money

from .helpers import RATE_SCALE, cents, half_up_div, ten_thousandths


def test_constants() -> None:
    assert Decimal("0.01") == CENT
    assert ZERO == 0
    assert ZERO.as_tuple().exponent == -2


# ---------------------------------------------------------------------------------------------
# round_money: half up, not half even


@pytest.mark.parametrize(
    ("exact", "rounded"),
    [
        ("0.125", "0.13"),  # half-even: 0.12
        ("0.135", "0.14"),
        ("0.145", "0.15"),  # half-even: 0.14
        ("2.0175", "2.02"),
        ("0.005", "0.01"),  # half-even: 0.00
        ("0.0049999", "0.00"),
        ("0.0050001", "0.01"),
        ("9.7200", "9.72"),
        ("7.776", "7.78"),
        ("3.26835", "3.27"),
        ("24", "24.00"),
        ("0", "0.00"),
        ("99999999.995", "100000000.00"),
        ("-0.125", "-0.13"),  # half up = away from zero, as Decimal's ROUND_HALF_UP
    ],
)
def test_round_money_half_up(exact: str, rounded: str) -> None:
    result = round_money(Decimal(exact))
    assert result == Decimal(rounded)
    assert str(result) == rounded
    assert result.as_tuple().exponent == -2


@settings(max_examples=1000, deadline=None)
@given(
    whole_cents=st.integers(min_value=0, max_value=10**12),
    extra_digits=st.integers(min_value=1, max_value=8),
)
def test_round_money_at_half_cent_rounds_up(whole_cents: int, extra_digits: int) -> None:
    """x.xx5, x.xx50, x.xx500… (exactly half a cent above whole cents) → the next cent up."""
    scaled = whole_cents * 10**extra_digits + 5 * 10 ** (extra_digits - 1)
    exact = Decimal(scaled).scaleb(-(2 + extra_digits))
    result = round_money(exact)
    assert result == cents(whole_cents + 1)
    assert result > exact  # away from zero for positives
    assert result - exact == Decimal("0.005")


@settings(max_examples=1000, deadline=None)
@given(
    scaled=st.integers(min_value=0, max_value=10**15),
    extra_digits=st.integers(min_value=0, max_value=8),
)
def test_round_money_matches_integer_half_up(scaled: int, extra_digits: int) -> None:
    exact = Decimal(scaled).scaleb(-(2 + extra_digits))
    result = round_money(exact)
    assert result.as_tuple().exponent == -2
    expected_cents = half_up_div(scaled, 10**extra_digits)
    assert result == cents(expected_cents)
    assert abs(result - exact) <= Decimal("0.005")


# ---------------------------------------------------------------------------------------------
# format_money: two decimals, as JSON carries money


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("129.72"), "129.72"),
        (Decimal("0.00"), "0.00"),
        (Decimal("0"), "0.00"),
        (ZERO, "0.00"),
        (Decimal("24.00"), "24.00"),
        (Decimal("24"), "24.00"),
        (Decimal("24.0"), "24.00"),
        (Decimal("2.5"), "2.50"),
        (Decimal("1E+2"), "100.00"),
        (Decimal("100000000.00"), "100000000.00"),
        (Decimal("-129.72"), "-129.72"),  # credit notes carry negative amounts
        (Decimal("0.125"), "0.13"),  # should an unrounded amount reach it: half up still
    ],
)
def test_format_money(amount: Decimal, text: str) -> None:
    assert format_money(amount) == text


def test_format_money_never_negative_zero() -> None:
    """A credit note negating a zero discount must not print "-0.00"."""
    negated_zero = Decimal("0.00") * -1
    assert negated_zero.is_signed()  # the trap is real
    assert format_money(negated_zero) == "0.00"
    assert format_money(Decimal("-0")) == "0.00"


@settings(max_examples=500, deadline=None)
@given(amount=st.integers(min_value=-(10**12), max_value=10**12))
def test_format_money_property(amount: int) -> None:
    sign = "-" if amount < 0 else ""
    expected = f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02d}"
    assert format_money(cents(amount)) == expected
    assert Decimal(format_money(cents(amount))) == cents(amount)
    # The same value with another exponent formats the same way.
    assert format_money(cents(amount).normalize()) == expected


# ---------------------------------------------------------------------------------------------
# format_rate: as JSON carries rates, without trailing zeros


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Decimal("0.0810"), "0.081"),
        (Decimal("0.081"), "0.081"),
        (Decimal("0.2000"), "0.2"),
        (Decimal("0.0000"), "0"),
        (Decimal("0"), "0"),
        (Decimal("0.0500"), "0.05"),
        (Decimal("0.0001"), "0.0001"),  # never "1E-4"
        (Decimal("0.9999"), "0.9999"),
        (Decimal("1.0000"), "1"),
    ],
)
def test_format_rate(rate: Decimal, text: str) -> None:
    assert format_rate(rate) == text


@settings(max_examples=500, deadline=None)
@given(units=st.integers(min_value=0, max_value=RATE_SCALE - 1), normalise=st.booleans())
def test_format_rate_property(units: int, normalise: bool) -> None:
    rate = ten_thousandths(units)
    if normalise:
        rate = rate.normalize()
    expected = f"0.{units:04d}".rstrip("0").rstrip(".")
    text = format_rate(rate)
    assert text == expected
    assert "E" not in text.upper()
    assert Decimal(text) == rate
