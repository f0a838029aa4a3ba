"""Organisations and their API keys as the repository returns them: frozen, typed, one field
per column (the names are the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from partnerbilling.billing import domain as planned
from partnerbilling.billing.pricing import Tier
from partnerbilling.jsonio import JSON


@dataclass(frozen=True, slots=True)
class Organization:
    id: str
    name: str
    billing_email: str
    currency: str
    vat_rate: Decimal
    reseller_tier: str | None
    created_at: datetime
    updated_at: datetime
    # The billing profile (SPEC §7).
    legal_name: str | None  # None: ``name``
    address: JSON | None  # {street, building_number, postal_code, city, country, extra_line}
    vat_id: str | None
    language: str
    payout_iban: str | None
    auto_pay_from_balance: bool
    reverse_charge: bool
    invoice_email: bool  # each document issued to it is e-mailed with its PDF
    invoicing: str  # per_charge | monthly (SPEC §15)


class ReverseChargeFault(StrEnum):
    """Why an organisation's profile does not allow reverse charge."""

    NO_VAT_ID = "vat_id"
    NO_FOREIGN_ADDRESS = "address"


def reverse_charge_fault(org: Organization, issuer_country: str | None) -> ReverseChargeFault | None:
    """Reverse charge (SPEC §7) needs the buyer's VAT number and an address in another country
    than the issuer's (any country while no issuer is configured); None when the profile
    allows it, or does not ask for it."""
    if not org.reverse_charge:
        return None
    if org.vat_id is None:
        return ReverseChargeFault.NO_VAT_ID
    country = (org.address or {}).get("country")
    if country is None or country == issuer_country:
        return ReverseChargeFault.NO_FOREIGN_ADDRESS
    return None


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key as stored: never the key itself, only its SHA-256 and a visible prefix."""

    id: str
    org_id: str
    prefix: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OrganizationWithTier(Organization):
    """An organisation with its reseller tier's rates (both None without a tier)."""

    tier_default_rate: Decimal | None
    tier_rates: JSON | None


def organization_of(org: Organization) -> planned.Organization:
    """The organisation as a charge is planned from; with its tier if read with it
    (:func:`partnerbilling.organizations.repository.get_with_tier`) and it has one."""
    # By its columns, not its class: the renewals' batch read of partners has them too.
    tier_rates: JSON | None = getattr(org, "tier_rates", None)
    tier = None
    if tier_rates is not None:
        assert org.reseller_tier is not None  # the tier was joined on it
        rates = {category: Decimal(rate) for category, rate in tier_rates.items()}
        tier = Tier(org.reseller_tier, getattr(org, "tier_default_rate"), rates)  # noqa: B009
    return planned.Organization(
        org.id, org.name, org.currency, org.vat_rate, tier,
        buyer=planned.buyer_snapshot(org.name, org.legal_name, org.address, org.vat_id, org.language,
                                     org.reverse_charge),
        reverse_charge=org.reverse_charge,
        auto_pay_from_balance=org.auto_pay_from_balance,
        monthly=org.invoicing == "monthly",
    )  # fmt: skip
