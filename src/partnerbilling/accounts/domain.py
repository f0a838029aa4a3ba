"""Account entries and balances as the repository returns them: frozen, typed, one field per
column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class AccountEntry:
    """An immutable movement of an account: ``amount`` signed (+ credit, − debit)."""

    id: str
    org_id: str
    currency: str
    amount: Decimal
    kind: str  # states.EntryKind
    invoice_id: str | None
    cashback_entry_id: str | None
    payment_id: str | None
    payout_id: str | None
    description: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AccountBalance:
    org_id: str
    currency: str
    balance: Decimal
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """One currency of an organisation's account as ``GET /v1/account`` shows it: the balance and
    the cashback still waiting for its invoice to be paid."""

    currency: str
    balance: Decimal
    pending_cashback: Decimal
