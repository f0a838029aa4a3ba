"""Queries of reseller tiers and products."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.catalog.models import Product, ResellerTier
from partnerbilling.sql import Statement


async def get_tier(conn: AsyncConnection, code: str) -> Row[Any] | None:
    result = await conn.execute(select(ResellerTier).where(ResellerTier.code == code))
    return result.first()


async def put_tier(conn: AsyncConnection, values: dict[str, Any]) -> Row[Any]:
    stmt = insert(ResellerTier).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[ResellerTier.code],
        set_={k: stmt.excluded[k] for k in values if k != "code"},
    )
    result = await conn.execute(stmt.returning(ResellerTier))
    return result.one()


_GET_PRODUCT = Statement(select(Product).where(Product.sku == bindparam("sku")))


async def get_product(conn: AsyncConnection, sku: str) -> Any | None:
    return await _GET_PRODUCT.row(conn, {"sku": sku})


async def put_product(conn: AsyncConnection, values: dict[str, Any]) -> Row[Any]:
    stmt = insert(Product).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Product.sku],
        set_={k: stmt.excluded[k] for k in values if k != "sku"},
    )
    result = await conn.execute(stmt.returning(Product))
    return result.one()


async def list_products(conn: AsyncConnection, after_sku: str | None, limit: int) -> list[Row[Any]]:
    stmt = select(Product).order_by(Product.sku).limit(limit + 1)
    if after_sku is not None:
        stmt = stmt.where(Product.sku > after_sku)
    result = await conn.execute(stmt)
    return list(result)
