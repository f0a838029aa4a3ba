"""Payouts and payout batches as the repository returns them: frozen, typed, one field per
column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from partnerbilling.states import PayoutBatchStatus

MINIMUM_PAYOUT = Decimal("50.00")
"""The smallest amount an organisation may withdraw (SPEC §9), in any currency."""


@dataclass(frozen=True, slots=True)
class Payout:
    """A withdrawal to the IBAN its organisation had when it asked, in the holder's legal name
    of that moment; ``status`` a ``states.PayoutStatus``; ``batch_id`` the batch that sent it."""

    id: str
    org_id: str
    currency: str
    amount: Decimal
    iban: str
    account_holder: str
    status: str
    created_at: datetime
    updated_at: datetime
    batch_id: str | None = None


@dataclass(frozen=True, slots=True)
class PayoutBatch:
    """The requested payouts of one currency sent to the bank in one ``pain.001`` file, kept as
    it was written (``document``), so that every download is the same file."""

    id: str
    currency: str
    count: int
    total: Decimal
    message_id: str
    execution_date: date
    debtor_iban: str
    debtor_bic: str | None
    document: bytes
    created_at: datetime


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """A batch as read: its row without the file, and how many of its payouts are still in
    transit, completed, failed."""

    id: str
    currency: str
    count: int
    total: Decimal
    message_id: str
    execution_date: date
    debtor_iban: str
    debtor_bic: str | None
    created_at: datetime
    in_transit: int
    completed: int
    failed: int

    @property
    def status(self) -> PayoutBatchStatus:
        """``in_transit`` while one of its payouts is; then by how they ended."""
        if self.in_transit:
            return PayoutBatchStatus.IN_TRANSIT
        if not self.failed:
            return PayoutBatchStatus.COMPLETED
        return PayoutBatchStatus.PARTIALLY_FAILED if self.completed else PayoutBatchStatus.FAILED
