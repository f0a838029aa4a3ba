"""Cashback as the repository returns it: an entry is the planner's
:class:`partnerbilling.billing.domain.CashbackEntry` (one field per column); a partner's balance
per currency, and an entry as the CSV export reads it, are below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from partnerbilling.billing.domain import CashbackEntry


@dataclass(frozen=True, slots=True)
class CashbackBalance:
    """A partner's sums of pending and of available cashback in one currency."""

    currency: str
    pending: Decimal
    available: Decimal


@dataclass(frozen=True, slots=True)
class ExportedCashbackEntry:
    """A cashback entry with what its CSV row (SPEC §12) names: the customer's name, and the
    number and payer of its order's invoice (None when the order has none), so that the
    viewer's right to see that number is decided by :mod:`partnerbilling.visibility`."""

    id: str
    partner_id: str
    customer_id: str
    customer_name: str
    order_id: str
    currency: str
    rate: Decimal
    amount: Decimal
    status: str
    created_at: datetime
    invoice_number: str | None
    invoice_payer_id: str | None


__all__ = ["CashbackBalance", "CashbackEntry", "ExportedCashbackEntry"]
