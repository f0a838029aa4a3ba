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


@dataclass(frozen=True, slots=True)
class BankCredit:
    """A credit of an imported bank file, recorded once by its identity, and what it became."""

    credit_id: str
    message_id: str
    outcome: str | None  # payment | top_up | receipt
    invoice_id: str | None
    payment_id: str | None
    receipt_id: str | None
    entry_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Receipt:
    """Money received that paid none of our invoices (SPEC §13), until applied or returned."""

    id: str
    credit_id: str
    received_at: datetime
    amount: Decimal
    currency: str
    reference: str | None
    debtor_name: str | None
    debtor_iban: str | None
    remittance: str | None
    reason: str  # states.ReceiptReason
    status: str  # states.ReceiptStatus
    file_message_id: str
    invoice_id: str | None  # applied to this invoice (a payment)…
    org_id: str | None  # …or to this organisation's account (an entry)
    payment_id: str | None
    entry_id: str | None
    return_reason: str | None
    created_at: datetime
    updated_at: datetime
