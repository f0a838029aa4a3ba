"""Payouts as the repository returns them: frozen, typed, one field per column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

MINIMUM_PAYOUT = Decimal("50.00")
"""The smallest amount an organisation may withdraw (SPEC §9), in any currency."""


@dataclass(frozen=True, slots=True)
class Payout:
    """A withdrawal to the IBAN its organisation had when it asked, in the holder's legal name
    of that moment; ``status`` a ``states.PayoutStatus``."""

    id: str
    org_id: str
    currency: str
    amount: Decimal
    iban: str
    account_holder: str
    status: str
    created_at: datetime
    updated_at: datetime
