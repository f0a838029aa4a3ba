"""The values and refusals of reading a bank notification (see :mod:`.camt`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from partnerbilling.errors import DomainError, Unprocessable


class UnreadableNotification(Unprocessable):
    """The file is not a camt.053/054 document this service can read safely (422)."""

    code, title = "unreadable_notification", "The bank notification cannot be read"

    def __init__(self, reason: str) -> None:
        super().__init__(reason, errors=[{"loc": ["body"], "msg": reason, "type": self.code}])
        self.reason = reason


class TooLarge(DomainError):
    """The file is larger than the limit (413), refused before it is parsed."""

    status, code, title = 413, "payload_too_large", "The bank notification is larger than the limit"

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"The file has {size} bytes; the limit is {limit}.")
        self.size, self.limit = size, limit


@dataclass(frozen=True, slots=True)
class CreditEntry:
    """One credit transaction: money received, with what the payer quoted."""

    entry_reference: str  # its identity (see .camt_identity): the same file gives the same
    reference: str | None  # the structured creditor reference (QRR or RF…), None if unstructured
    amount: Decimal
    currency: str
    booked_at: date | datetime
    debtor_name: str | None
    debtor_iban: str | None = None
    remittance: str | None = None  # the unstructured remittance text (Ustrd), lines joined
    entry_index: int = 0  # its entry's, 1-based in document order
    duplicate_of: str | None = None  # the identity of an earlier credit of the file it shares


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry that is no money received (a debit, a reversal, not booked), and why."""

    entry_index: int  # 1-based, in document order across all statements of the file
    entry_reference: str
    reason: str


@dataclass(frozen=True, slots=True)
class Notification:
    """What a camt.053/054 file says was received."""

    message: str  # e.g. "camt.054.001.08"
    message_id: str
    entries: tuple[CreditEntry, ...]
    skipped: tuple[Skipped, ...]
