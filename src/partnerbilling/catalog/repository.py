"""Queries of reseller tiers and products."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert

from partnerbilling.catalog import models
from partnerbilling.catalog.domain import Product, ResellerTier
from partnerbilling.sql import Connection, Statement, column_values, fetch_all, fetch_one


async def get_tier(conn: Connection, code: str) -> ResellerTier | None:
    return await fetch_one(
        conn, select(models.ResellerTier).where(models.ResellerTier.code == code), ResellerTier
    )


async def put_tier(conn: Connection, tier: ResellerTier) -> ResellerTier:
    values = column_values(tier)
    stmt = insert(models.ResellerTier).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[models.ResellerTier.code],
        set_={k: stmt.excluded[k] for k in values if k != "code"},
    )
    put = await fetch_one(conn, stmt.returning(models.ResellerTier), ResellerTier)
    assert put is not None  # an upsert … RETURNING returns its row
    return put


_GET_PRODUCT = Statement(select(models.Product).where(models.Product.sku == bindparam("sku")))


async def get_product(conn: Connection, sku: str) -> Product | None:
    return await _GET_PRODUCT.row(conn, {"sku": sku}, Product)


async def put_product(conn: Connection, product: Product) -> Product:
    values = column_values(product)
    stmt = insert(models.Product).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[models.Product.sku],
        set_={k: stmt.excluded[k] for k in values if k != "sku"},
    )
    put = await fetch_one(conn, stmt.returning(models.Product), Product)
    assert put is not None  # an upsert … RETURNING returns its row
    return put


async def list_products(conn: Connection, after_sku: str | None, limit: int) -> list[Product]:
    stmt = select(models.Product).order_by(models.Product.sku).limit(limit + 1)
    if after_sku is not None:
        stmt = stmt.where(models.Product.sku > after_sku)
    return await fetch_all(conn, stmt, Product)
