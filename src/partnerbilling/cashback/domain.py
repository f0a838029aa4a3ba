"""Cashback as the repository returns it: an entry is the planner's
:class:`partnerbilling.billing.domain.CashbackEntry` (one field per column); a partner's balance
per currency is below."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from partnerbilling.billing.domain import CashbackEntry


@dataclass(frozen=True, slots=True)
class CashbackBalance:
    """A partner's sums of pending and of available cashback in one currency."""

    currency: str
    pending: Decimal
    available: Decimal


__all__ = ["CashbackBalance", "CashbackEntry"]
