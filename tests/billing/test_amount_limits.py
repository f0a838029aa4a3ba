"""An amount larger than a money column holds (NUMERIC(14, 2)) is refused while pricing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Numeric

from partnerbilling.billing.money import MAX_AMOUNT
from partnerbilling.billing.pricing import AmountTooLarge, price_charge
from partnerbilling.billing.routing import Benefit
from partnerbilling.tables import metadata


def test_the_largest_amount_is_what_every_money_column_holds() -> None:
    money = [
        column
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, Numeric) and column.type.scale == 2
    ]
    assert len(money) >= 8
    for column in money:
        assert isinstance(column.type, Numeric) and column.type.precision is not None
        largest = Decimal(10) ** (column.type.precision - 2) - Decimal("0.01")
        assert largest >= MAX_AMOUNT, column
        if column.table.name in ("account_balances", "account_entries"):
            # A balance sums entries without bound: it holds at least 10^15 (SPEC §13).
            assert largest >= Decimal(10) ** 15, column


@pytest.mark.parametrize(
    ("unit_price", "quantity", "benefit", "rate", "vat", "too_large"),
    [
        ("9999999999.99", 1000, Benefit.NONE, None, "0", "public_amount"),
        ("1000000000.00", 1000, Benefit.NONE, None, "0", "public_amount"),
        # The public amount fits, the total with VAT does not.
        ("999999999.99", 1000, Benefit.NONE, None, "0.081", "total"),
        ("999999999.99", 1000, Benefit.CASHBACK, "0.2", "0.0001", "total"),
    ],
)
def test_an_amount_too_large_to_store_is_refused(
    unit_price: str, quantity: int, benefit: Benefit, rate: str | None, vat: str, too_large: str
) -> None:
    with pytest.raises(AmountTooLarge) as refused:
        price_charge(Decimal(unit_price), quantity, benefit, Decimal(rate) if rate else None, Decimal(vat))
    assert refused.value.amount == too_large


@pytest.mark.parametrize(
    ("unit_price", "quantity", "benefit", "rate", "vat"),
    [
        ("999999999.99", 1000, Benefit.NONE, None, "0"),  # 999,999,999,990.00
        ("999999999999.99", 1, Benefit.NONE, None, "0"),
        ("999999999.99", 1000, Benefit.REBATE, "0.5", "0.9999"),  # the rebate makes room for the VAT
        ("9999999999.99", 1, Benefit.CASHBACK, "0.9999", "0.9999"),
    ],
)
def test_the_largest_amounts_that_fit_are_priced(
    unit_price: str, quantity: int, benefit: Benefit, rate: str | None, vat: str
) -> None:
    price = price_charge(
        Decimal(unit_price), quantity, benefit, Decimal(rate) if rate else None, Decimal(vat)
    )
    assert price.total <= MAX_AMOUNT
