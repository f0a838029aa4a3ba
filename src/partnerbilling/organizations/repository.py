"""Queries of organisations and API keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, insert, or_, select, update

from partnerbilling.catalog.models import ResellerTier
from partnerbilling.db import utcnow
from partnerbilling.jsonio import JSON
from partnerbilling.organizations import models
from partnerbilling.organizations.domain import ApiKey, Organization, OrganizationWithTier
from partnerbilling.organizations.models import Organization as Organizations
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.sql import Connection, Statement, column_values, execute, fetch_all, fetch_one

# Every charge runs it: precompiled (partnerbilling.sql).
_GET = Statement(select(Organizations).where(Organizations.id == bindparam("org_id")))


async def get(conn: Connection, org_id: str) -> Organization | None:
    return await _GET.row(conn, {"org_id": org_id}, Organization)


async def get_for_update(conn: Connection, org_id: str) -> Organization | None:
    """An organisation, locked until the transaction ends (a profile change reads it first).
    ``FOR NO KEY UPDATE``, the lock its UPDATE takes anyway: the foreign-key checks of charges
    that reference the organisation (``FOR KEY SHARE``) do not wait for it."""
    stmt = select(Organizations).where(Organizations.id == org_id).with_for_update(key_share=True)
    return await fetch_one(conn, stmt, Organization)


async def get_many(conn: Connection, org_ids: Sequence[str]) -> dict[str, Organization]:
    found = await fetch_all(conn, select(Organizations).where(Organizations.id.in_(org_ids)), Organization)
    return {org.id: org for org in found}


async def add(conn: Connection, org: Organization) -> Organization:
    added = await fetch_one(
        conn, insert(Organizations).values(**column_values(org)).returning(Organizations), Organization
    )
    assert added is not None  # an INSERT … RETURNING returns its row
    return added


async def change(conn: Connection, org_id: str, values: JSON) -> Organization | None:
    stmt = (
        update(Organizations)
        .where(Organizations.id == org_id)
        .values(**values, updated_at=utcnow())
        .returning(Organizations)
    )
    return await fetch_one(conn, stmt, Organization)


async def add_api_key(conn: Connection, key: ApiKey) -> None:
    await execute(conn, insert(models.ApiKey).values(**column_values(key)))


async def revoke_api_key(conn: Connection, key_id: str) -> bool:
    """Revoke a key; true if the key exists (revoking twice is harmless)."""
    return (
        await execute(
            conn, update(models.ApiKey).where(models.ApiKey.id == key_id).values(revoked_at=utcnow())
        )
        > 0
    )


# Every partnered charge runs it: precompiled (partnerbilling.sql).
_WITH_TIER = Statement(
    select(
        Organizations,
        ResellerTier.default_rate.label("tier_default_rate"),
        ResellerTier.rates.label("tier_rates"),
    )
    .outerjoin(ResellerTier, ResellerTier.code == Organizations.reseller_tier)
    .where(Organizations.id == bindparam("org_id"))
)


async def get_with_tier(conn: Connection, org_id: str) -> OrganizationWithTier | None:
    """An organisation with its reseller tier's rates (``tier_default_rate``, ``tier_rates``)."""
    return await _WITH_TIER.row(conn, {"org_id": org_id}, OrganizationWithTier)


async def search(conn: Connection, q: str | None, page: PageParams) -> list[Organization]:
    """Organisations whose name or billing e-mail contains ``q`` (any case), newest first."""
    stmt = select(Organizations)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                Organizations.name.ilike(pattern, escape="\\"),
                Organizations.billing_email.ilike(pattern, escape="\\"),
            )
        )
    return await fetch_all(conn, keyset(stmt, Organizations.created_at, Organizations.id, page), Organization)
