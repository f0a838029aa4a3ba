"""Organisations and their API keys (platform operations)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.auth import generate_api_key
from partnerbilling.catalog import repository as catalog
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import NotFound, Unprocessable
from partnerbilling.fields import sent_fields
from partnerbilling.jsonio import JSON
from partnerbilling.organizations import repository
from partnerbilling.organizations.domain import ApiKey, Organization
from partnerbilling.organizations.schemas import (
    OrganizationCreate,
    OrganizationUpdate,
)
from partnerbilling.visibility import api_key_view


class UnknownResellerTier(Unprocessable):
    code, title = "unknown_reseller_tier", "No reseller tier has this code"


async def _check_tier(conn: AsyncConnection, code: str | None) -> None:
    if code is not None and await catalog.get_tier(conn, code) is None:
        raise UnknownResellerTier(
            f"No reseller tier '{code}'; create it with PUT /v1/admin/reseller-tiers/{code}.",
            errors=[{"loc": ["body", "reseller_tier"], "msg": "unknown reseller tier"}],
        )


async def create_organization(conn: AsyncConnection, data: OrganizationCreate) -> Organization:
    """Create an organisation."""
    await _check_tier(conn, data.reseller_tier)
    now = utcnow()
    # Without a profile: its name, no address or VAT number, English.
    org = Organization(
        id=new_id("org"), **data.model_dump(), created_at=now, updated_at=now,
        legal_name=None, address=None, vat_id=None, language="en", payout_iban=None,
        auto_pay_from_balance=False, reverse_charge=False,
    )  # fmt: skip
    return await repository.add(conn, org)


async def get_organization(conn: AsyncConnection, org_id: str) -> Organization:
    """An organisation by id, or 404."""
    org = await repository.get(conn, org_id)
    if org is None:
        raise NotFound("No such organization.")
    return org


async def update_organization(conn: AsyncConnection, org_id: str, data: OrganizationUpdate) -> Organization:
    """Change an organisation's fields; ``reseller_tier: null`` removes its tier."""
    changes = sent_fields(data, "reseller_tier")
    if changes.get("reseller_tier") is not None:
        await _check_tier(conn, changes["reseller_tier"])
    if not changes:
        return await get_organization(conn, org_id)
    org = await repository.change(conn, org_id, changes)
    if org is None:
        raise NotFound("No such organization.")
    return org


async def create_api_key(conn: AsyncConnection, org_id: str) -> JSON:
    """A new API key for an organisation; the key itself is returned only here."""
    await get_organization(conn, org_id)
    key, prefix, digest = generate_api_key()
    now = utcnow()
    key_id = new_id("key")
    await repository.add_api_key(conn, ApiKey(key_id, org_id, prefix, digest, now))
    return api_key_view(key_id, key, prefix, now)


async def revoke_api_key(conn: AsyncConnection, key_id: str) -> None:
    """Revoke an API key at once."""
    if not await repository.revoke_api_key(conn, key_id):
        raise NotFound("No such API key.")
