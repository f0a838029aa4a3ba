"""Queries of organisations and API keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.catalog.models import ResellerTier
from partnerbilling.db import utcnow
from partnerbilling.organizations.models import ApiKey, Organization
from partnerbilling.sql import Statement

# Every charge runs it: precompiled (partnerbilling.sql).
_GET = Statement(select(Organization).where(Organization.id == bindparam("org_id")))


async def get(conn: AsyncConnection, org_id: str) -> Any | None:
    return await _GET.row(conn, {"org_id": org_id})


async def get_many(conn: AsyncConnection, org_ids: Sequence[str]) -> dict[str, Row[Any]]:
    result = await conn.execute(select(Organization).where(Organization.id.in_(org_ids)))
    return {row.id: row for row in result}


async def add(conn: AsyncConnection, values: dict[str, Any]) -> Row[Any]:
    result = await conn.execute(insert(Organization).values(**values).returning(Organization))
    return result.one()


async def change(conn: AsyncConnection, org_id: str, values: dict[str, Any]) -> Row[Any] | None:
    result = await conn.execute(
        update(Organization)
        .where(Organization.id == org_id)
        .values(**values, updated_at=utcnow())
        .returning(Organization)
    )
    return result.first()


async def add_api_key(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(insert(ApiKey).values(**values))


async def revoke_api_key(conn: AsyncConnection, key_id: str) -> bool:
    """Revoke a key; true if the key exists (revoking twice is harmless)."""
    result = await conn.execute(
        update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=utcnow()).returning(ApiKey.id)
    )
    return result.first() is not None


# Every partnered charge runs it: precompiled (partnerbilling.sql).
_WITH_TIER = Statement(
    select(
        Organization,
        ResellerTier.default_rate.label("tier_default_rate"),
        ResellerTier.rates.label("tier_rates"),
    )
    .outerjoin(ResellerTier, ResellerTier.code == Organization.reseller_tier)
    .where(Organization.id == bindparam("org_id"))
)


async def get_with_tier(conn: AsyncConnection, org_id: str) -> Any | None:
    """An organisation with its reseller tier's rates (``tier_default_rate``, ``tier_rates``)."""
    return await _WITH_TIER.row(conn, {"org_id": org_id})
