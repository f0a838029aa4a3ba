"""Payments as the repository returns them: frozen, typed, one field per column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received for an invoice: ``amount`` as received, ``applied`` the part that paid the
    invoice (the rest went to the payer's account as an overpayment)."""

    id: str
    invoice_id: str
    payer_id: str
    currency: str
    amount: Decimal
    applied: Decimal
    method: str  # states.PaymentMethod
    external_id: str | None  # unique: the same one is one payment
    reference: str | None  # the structured reference it quoted
    received_at: datetime
    created_at: datetime
