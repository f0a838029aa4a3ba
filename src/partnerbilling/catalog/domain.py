"""Reseller tiers and products as the repository returns them: frozen, typed, one field per
column. Rates and prices are stored as decimal strings (never JSON numbers) and read as such."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from partnerbilling.billing import domain as planned


@dataclass(frozen=True, slots=True)
class ResellerTier:
    code: str
    name: str
    default_rate: Decimal
    rates: dict[str, str]  # {category: "0.2000"}
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    category: str
    period_months: int
    prices: dict[str, str]  # {"CHF": "120.00"}
    updated_at: datetime
    names: dict[str, str] = field(default_factory=dict)  # {"de": "Webhosting Pro"}: per language


def product_of(product: Product) -> planned.Product:
    """The product as a charge is planned from: its prices as amounts."""
    prices = {currency: Decimal(amount) for currency, amount in product.prices.items()}
    return planned.Product(
        product.sku, product.name, product.category, product.period_months, prices, dict(product.names)
    )
