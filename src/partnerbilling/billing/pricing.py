"""How much: public amount, rebate, net, VAT and cashback for one charge (SPEC §2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from partnerbilling.billing.money import MAX_AMOUNT, ZERO, round_money
from partnerbilling.billing.routing import Benefit


@dataclass(frozen=True, slots=True)
class Tier:
    """A reseller tier: a rate per product category, else the default rate."""

    code: str
    default_rate: Decimal
    rates: Mapping[str, Decimal]

    def rate_for(self, category: str) -> Decimal:
        """The partner rate ``d`` for a product category."""
        return self.rates.get(category, self.default_rate)


@dataclass(frozen=True, slots=True)
class Price:
    """The priced charge. ``partner_rate`` is null when no partner benefits."""

    unit_price: Decimal
    quantity: int
    public_amount: Decimal
    partner_rate: Decimal | None
    discount: Decimal
    net_amount: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    cashback: Decimal | None


class AmountTooLarge(ValueError):
    """A charge with an amount larger than :data:`MAX_AMOUNT`, which could not be stored."""

    def __init__(self, amount: str, value: Decimal) -> None:
        super().__init__(f"the {amount.replace('_', ' ')} {value} is larger than {MAX_AMOUNT}")
        self.amount = amount


def price_charge(
    unit_price: Decimal,
    quantity: int,
    benefit: Benefit,
    partner_rate: Decimal | None,
    vat_rate: Decimal,
) -> Price:
    """Price one charge: each computed amount rounded half-up once, ``net = P - discount`` exact."""
    public = unit_price * quantity  # exact: prices carry two decimals
    benefit_amount = round_money(public * partner_rate) if partner_rate is not None else ZERO
    discount = benefit_amount if benefit is Benefit.REBATE else ZERO
    cashback = benefit_amount if benefit is Benefit.CASHBACK else None
    net = public - discount
    tax = round_money(net * vat_rate)
    total = net + tax
    # Every other amount is at most one of these two (rates are below 1).
    for name, amount in (("public_amount", public), ("total", total)):
        if amount > MAX_AMOUNT:
            raise AmountTooLarge(name, amount)
    return Price(
        unit_price=unit_price,
        quantity=quantity,
        public_amount=public,
        partner_rate=partner_rate if benefit is not Benefit.NONE else None,
        discount=discount,
        net_amount=net,
        tax_rate=vat_rate,
        tax=tax,
        total=total,
        cashback=cashback,
    )
