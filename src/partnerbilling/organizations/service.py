"""Organisations and their API keys (platform operations)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from partnerbilling.auth import generate_api_key
from partnerbilling.catalog import repository as catalog
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import NotFound, Unprocessable
from partnerbilling.events import repository as events
from partnerbilling.events.domain import NewEvent
from partnerbilling.events.schemas import EventType
from partnerbilling.fields import sent_fields
from partnerbilling.issuer import repository as issuer_repository
from partnerbilling.jsonio import JSON
from partnerbilling.organizations import repository
from partnerbilling.organizations.domain import ApiKey, Organization, ReverseChargeFault, reverse_charge_fault
from partnerbilling.organizations.schemas import (
    CLEARABLE,
    MyOrganizationUpdate,
    OrganizationCreate,
    OrganizationUpdate,
)
from partnerbilling.pagination import PageParams, page_of
from partnerbilling.sql import Connection
from partnerbilling.visibility import api_key_view, organization_view


class UnknownResellerTier(Unprocessable):
    code, title = "unknown_reseller_tier", "No reseller tier has this code"


class ReverseChargeNeedsVatId(Unprocessable):
    code, title = "reverse_charge_requires_vat_id", "Reverse charge needs the organisation's VAT number"


class ReverseChargeNeedsForeignAddress(Unprocessable):
    code, title = (
        "reverse_charge_requires_foreign_address",
        "Reverse charge needs an address in another country than the issuer's",
    )


async def _check_tier(conn: Connection, code: str | None) -> None:
    if code is not None and await catalog.get_tier(conn, code) is None:
        raise UnknownResellerTier(
            f"No reseller tier '{code}'; create it with PUT /v1/admin/reseller-tiers/{code}.",
            errors=[{"loc": ["body", "reseller_tier"], "msg": "unknown reseller tier"}],
        )


async def _check_reverse_charge(conn: Connection, org: Organization, sent: Collection[str]) -> None:
    """Refuse a profile that asks for reverse charge without allowing it, naming the field the
    request sent that breaks the rule (``reverse_charge`` itself when it sent that)."""
    if not org.reverse_charge:
        return
    issuer = await issuer_repository.get(conn)
    fault = reverse_charge_fault(org, issuer.country if issuer else None)
    if fault is None:
        return
    field = "reverse_charge" if "reverse_charge" in sent or fault.value not in sent else fault.value
    loc = ["body", field, "country"] if field == "address" and org.address else ["body", field]
    if fault is ReverseChargeFault.NO_VAT_ID:
        raise ReverseChargeNeedsVatId(
            "Reverse charge needs the organisation's VAT number (vat_id).",
            errors=[{"loc": loc, "msg": "reverse charge needs a vat_id"}],
        )
    where = f"another country than the issuer's ({issuer.country})" if issuer else "a country"
    raise ReverseChargeNeedsForeignAddress(
        f"Reverse charge needs an address in {where}.",
        errors=[{"loc": loc, "msg": f"reverse charge needs an address in {where}"}],
    )


async def create_organization(conn: Connection, data: OrganizationCreate) -> Organization:
    """Create an organisation, with its billing profile if given."""
    await _check_tier(conn, data.reseller_tier)
    now = utcnow()
    org = Organization(id=new_id("org"), **data.model_dump(), created_at=now, updated_at=now)
    await _check_reverse_charge(conn, org, data.model_fields_set)
    return await repository.add(conn, org)


async def list_organizations(conn: Connection, q: str | None, page: PageParams) -> JSON:
    """Every organisation, or those whose name or billing e-mail contains ``q``, newest first."""
    return page_of(await repository.search(conn, q, page), page, organization_view)


async def get_organization(conn: Connection, org_id: str) -> Organization:
    """An organisation by id, or 404."""
    org = await repository.get(conn, org_id)
    if org is None:
        raise NotFound("No such organization.")
    return org


async def update_organization(conn: Connection, org_id: str, data: OrganizationUpdate) -> Organization:
    """Change any of an organisation's fields (the platform); ``null`` removes its tier or
    clears a profile field."""
    changes = sent_fields(data, "reseller_tier", *CLEARABLE)
    if changes.get("reseller_tier") is not None:
        await _check_tier(conn, changes["reseller_tier"])
    return await _change(conn, org_id, changes)


async def update_own_profile(conn: Connection, org_id: str, data: MyOrganizationUpdate) -> Organization:
    """Change the billing profile fields an organisation may change itself."""
    return await _change(conn, org_id, sent_fields(data, *CLEARABLE))


async def _change(conn: Connection, org_id: str, changes: JSON) -> Organization:
    """Apply the changes that change something, check the result, and record
    ``organization.updated`` in the platform's log; a change to nothing writes nothing."""
    org = await repository.get_for_update(conn, org_id)
    if org is None:
        raise NotFound("No such organization.")
    changed = {name: value for name, value in changes.items() if getattr(org, name) != value}
    if not changed:
        return org
    await _check_reverse_charge(conn, replace(org, **changed), changed)
    updated = await repository.change(conn, org_id, changed)
    assert updated is not None  # the row is locked
    event = NewEvent(None, EventType.ORGANIZATION_UPDATED, organization_view(updated))
    await events.record_platform(conn, event, updated.updated_at)
    return updated


async def create_api_key(conn: Connection, org_id: str) -> JSON:
    """A new API key for an organisation; the key itself is returned only here."""
    await get_organization(conn, org_id)
    key, prefix, digest = generate_api_key()
    now = utcnow()
    key_id = new_id("key")
    await repository.add_api_key(conn, ApiKey(key_id, org_id, prefix, digest, now))
    return api_key_view(key_id, key, prefix, now)


async def revoke_api_key(conn: Connection, key_id: str) -> None:
    """Revoke an API key at once."""
    if not await repository.revoke_api_key(conn, key_id):
        raise NotFound("No such API key.")
