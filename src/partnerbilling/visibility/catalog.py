"""Views of the catalogue: reseller tiers and products (public to every caller)."""

from __future__ import annotations

from decimal import Decimal

from partnerbilling.billing.money import format_money, format_rate
from partnerbilling.catalog.domain import Product, ResellerTier
from partnerbilling.jsonio import JSON


def tier_view(row: ResellerTier) -> JSON:
    return {
        "code": row.code,
        "name": row.name,
        "default_rate": format_rate(row.default_rate),
        "rates": {k: format_rate(Decimal(v)) for k, v in row.rates.items()},
    }


def product_view(row: Product) -> JSON:
    return {
        "sku": row.sku,
        "name": row.name,
        "category": row.category,
        "period_months": row.period_months,
        "prices": {k: format_money(Decimal(v)) for k, v in sorted(row.prices.items())},
        "names": {language: row.names.get(language) for language in ("de", "fr", "it", "en")},
    }
