"""The catalogue: reseller tiers (partner rates) and products (public prices)."""

from __future__ import annotations

from decimal import Decimal

from partnerbilling.catalog import repository
from partnerbilling.catalog.domain import Product, ResellerTier
from partnerbilling.catalog.schemas import ProductPut, TierPut
from partnerbilling.db import utcnow
from partnerbilling.errors import Unprocessable
from partnerbilling.sql import Connection


class CategoryRatesRequired(Unprocessable):
    code, title = "category_rates_required", "The tier's category rates must be sent"


async def put_tier(conn: Connection, code: str, data: TierPut) -> ResellerTier:
    """Create or replace a reseller tier."""
    if not data.rates:
        await _refuse_dropping_category_rates(conn, code, data.default_rate)
    rates = {category: str(rate) for category, rate in data.rates.items()}
    return await repository.put_tier(conn, ResellerTier(code, data.name, data.default_rate, rates, utcnow()))


async def put_product(conn: Connection, sku: str, data: ProductPut) -> Product:
    """Create or replace a product and its prices."""
    prices: dict[str, str] = {currency: str(price) for currency, price in data.prices.items()}
    names = data.names.model_dump(exclude_none=True) if data.names else {}
    product = Product(sku, data.name, data.category, data.period_months, prices, utcnow(), names)
    return await repository.put_product(conn, product)


async def _refuse_dropping_category_rates(conn: Connection, code: str, default_rate: Decimal) -> None:
    """An empty ``rates`` may not change what a category of the tier earns: it is what a client
    that lost the map on its way (a generated model without fields) would send."""
    current = await repository.get_tier(conn, code)
    changed = sorted(c for c, r in (current.rates if current else {}).items() if Decimal(r) != default_rate)
    if changed:
        raise CategoryRatesRequired(
            f"An empty rates would change the rate of {', '.join(changed)}; send every category's rate "
            "(the default rate for a category that should earn it).",
            errors=[{"loc": ["body", "rates"], "msg": "would take away category rates"}],
        )
