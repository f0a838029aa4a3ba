"""Exact money: ``Decimal`` amounts rounded half-up to the cent, once."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount the money columns (NUMERIC(14, 2)) hold, either sign.
MAX_AMOUNT = Decimal("999999999999.99")


def round_money(amount: Decimal) -> Decimal:
    """Round an exact product to the cent, half up (0.005 → 0.01), the one rounding of SPEC §2."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal) -> str:
    """A money amount as JSON carries it: two decimals, half up, never ``"-0.00"``."""
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return str(cents.copy_abs() if cents.is_zero() else cents)


def format_rate(rate: Decimal) -> str:
    """A rate as JSON carries it: a decimal string without trailing zeros (``"0.081"``)."""
    text = format(rate.normalize(), "f")
    return text if "." in text or text != "0" else "0"
