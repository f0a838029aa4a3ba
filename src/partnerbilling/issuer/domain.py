"""The issuer as the repository returns it: frozen, typed, one field per column (the names are
the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from partnerbilling.jsonio import JSON

ISSUER_ID = 1  # the one row
DEFAULT_TIME_ZONE = "Europe/Zurich"


@dataclass(frozen=True, slots=True)
class Issuer:
    """The provider that sends every invoice. Its columns but ``id``, ``updated_at``,
    ``time_zone`` and ``payout_accounts`` are what an issued document copies as its ``seller``,
    key for key."""

    id: int
    legal_name: str
    address: JSON  # {street, building_number, postal_code, city, country, extra_line}
    vat_id: str | None
    email: str
    payment_terms_days: int
    bank_accounts: JSON  # {"CHF": {"iban"}, "EUR": {"iban", "bic"}}, either may be absent
    time_zone: str
    # Where payouts are debited from (never a QR-IBAN): {"CHF": {"iban", "bic"?}, "EUR": {"iban", "bic"}}
    payout_accounts: JSON
    updated_at: datetime

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def country(self) -> str:
        return str(self.address["country"])
