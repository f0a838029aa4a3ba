"""Organisations and their API keys as the repository returns them: frozen, typed, one field
per column (the names are the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


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


@dataclass(frozen=True, slots=True)
class OrganizationWithTier(Organization):
    """An organisation with its reseller tier's rates (both None without a tier)."""

    tier_default_rate: Decimal | None
    tier_rates: dict[str, Any] | None
