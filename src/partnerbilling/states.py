"""The states of partnerships, subscriptions, invoices and cashback entries, and the moves each
may make, in one place. Each is a ``StrEnum``, so that JSON and SQL see plain strings (the
database stores them as text); the names of the other kinds (order kind, invoice kind) too.

A service asks the object's :class:`Lifecycle` before it moves it: ``may_move`` when a refused
move is a no-op, ``check`` when it is the caller's 409."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from partnerbilling.enums import LiteralEnum
from partnerbilling.errors import Conflict, InvalidState, PartnershipEnded


class PartnershipStatus(LiteralEnum):
    PENDING = "pending"
    ACTIVE = "active"
    ENDED = "ended"


class SubscriptionStatus(LiteralEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # its invoice went unpaid to the last dunning step (SPEC §10)
    CANCELLED = "cancelled"


class InvoiceStatus(LiteralEnum):
    ISSUED = "issued"
    OVERDUE = "overdue"  # unpaid past its due date, reminded (``dunning_level``, SPEC §10)
    PAID = "paid"
    CREDITED = "credited"


class CashbackStatus(LiteralEnum):
    PENDING = "pending"
    AVAILABLE = "available"
    REVERSED = "reversed"


class DeliveryStatus(LiteralEnum):
    """A webhook delivery: pending until an attempt succeeds or the retries run out (failed); a
    redelivery makes it pending again. The worker's statements move it (``webhooks.repository``)."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class EntryKind(LiteralEnum):
    """An account entry's kind (SPEC §9): what moved money onto (+) or off (−) an account."""

    CASHBACK = "cashback"  # + a cashback entry became available
    CASHBACK_REVERSAL = "cashback_reversal"  # − an available cashback was reversed
    INVOICE_PAYMENT = "invoice_payment"  # − an invoice paid from the balance
    REFUND = "refund"  # + a credit note of an invoice that was (partly) paid
    OVERPAYMENT = "overpayment"  # + money received above what was due
    PAYOUT = "payout"  # − a payout requested
    PAYOUT_RETURNED = "payout_returned"  # + a failed payout given back
    ADJUSTMENT = "adjustment"  # ± by the platform, with a reason
    RECEIPT = "receipt"  # + an unapplied bank receipt credited to the account by the platform
    TOP_UP = "top_up"  # + a bank credit quoting the organisation's top-up reference


class PaymentMethod(LiteralEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    OTHER = "other"
    BALANCE = "balance"  # from the payer's own account (pay-from-balance, auto-pay)


class ReceiptStatus(LiteralEnum):
    """An unapplied receipt (SPEC §13): open until applied or returned, once."""

    OPEN = "open"
    APPLIED = "applied"
    RETURNED = "returned"


class ReceiptReason(LiteralEnum):
    """Why a bank credit paid none of our invoices and became an unapplied receipt."""

    NO_REFERENCE = "no_reference"  # no structured reference
    UNKNOWN_REFERENCE = "unknown_reference"  # a reference of no invoice or top-up of ours
    CURRENCY_MISMATCH = "currency_mismatch"  # another currency than the invoice's or top-up's
    INVOICE_CREDITED = "invoice_credited"  # the invoice was credited (or is a credit note)
    DUPLICATE_REFERENCE_IN_FILE = "duplicate_reference_in_file"  # another credit of the file has its identity
    PAYMENT_REFUSED = "payment_refused"  # the invoice refused it otherwise (e.g. booked in the future)


class PayoutStatus(LiteralEnum):
    REQUESTED = "requested"
    IN_TRANSIT = "in_transit"  # in a payout batch: its file went to the bank (SPEC §13)
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"  # withdrawn by its organisation before a batch took it


class PayoutBatchStatus(LiteralEnum):
    """A payout batch's, read from its payouts: ``in_transit`` while one of them is; then
    ``completed`` (all completed), ``failed`` (all failed) or ``partially_failed``."""

    IN_TRANSIT = "in_transit"
    COMPLETED = "completed"
    PARTIALLY_FAILED = "partially_failed"
    FAILED = "failed"


class InvoiceKind(LiteralEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class OrderKind(LiteralEnum):
    NEW = "new"
    RENEWAL = "renewal"


S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Lifecycle(Generic[S]):
    """The states an object of one kind may move to from each state. A state with no moves is
    final; a refused move out of it raises ``final_error``, any other refused move
    ``InvalidState``, with the detail given for that move in ``refusals`` if any."""

    states: type[S]
    noun: str
    moves: Mapping[S, frozenset[S]]
    final_error: type[Conflict] = InvalidState
    refusals: Mapping[tuple[S, S], str] = field(default_factory=dict)

    def may_move(self, current: str, target: S) -> bool:
        """Whether an object in ``current`` (as stored) may move to ``target``."""
        return target in self.moves[self.states(current)]

    def is_final(self, state: str) -> bool:
        return not self.moves[self.states(state)]

    def check(self, current: str, target: S) -> S:
        """``target`` if the object may move there from ``current``; else the 409."""
        if self.may_move(current, target):
            return target
        state = self.states(current)
        detail = self.refusals.get((state, target)) or f"A {state} {self.noun} cannot become {target}."
        raise (self.final_error if self.is_final(state) else InvalidState)(detail)


PARTNERSHIP = Lifecycle(
    PartnershipStatus,
    "partnership",
    {
        PartnershipStatus.PENDING: frozenset({PartnershipStatus.ACTIVE, PartnershipStatus.ENDED}),
        PartnershipStatus.ACTIVE: frozenset({PartnershipStatus.ENDED}),
        PartnershipStatus.ENDED: frozenset(),
    },
    final_error=PartnershipEnded,
    refusals={
        (PartnershipStatus.ACTIVE, PartnershipStatus.ACTIVE): "The partnership is already active.",
        (PartnershipStatus.ENDED, PartnershipStatus.ACTIVE): "The partnership has ended.",
        (PartnershipStatus.ENDED, PartnershipStatus.ENDED): "The partnership has already ended.",
    },
)
"""Created pending; the partner accepts it (active); either side ends it, pending or active."""

SUBSCRIPTION = Lifecycle(
    SubscriptionStatus,
    "subscription",
    {
        SubscriptionStatus.ACTIVE: frozenset({SubscriptionStatus.SUSPENDED, SubscriptionStatus.CANCELLED}),
        SubscriptionStatus.SUSPENDED: frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.CANCELLED}),
        SubscriptionStatus.CANCELLED: frozenset(),
    },
)
"""Active until cancelled (or its invoice credited); suspended while its invoice is unpaid past
the last dunning step, active again once it is paid; a cancelled subscription never renews."""

INVOICE = Lifecycle(
    InvoiceStatus,
    "invoice",
    {
        InvoiceStatus.ISSUED: frozenset({InvoiceStatus.OVERDUE, InvoiceStatus.PAID, InvoiceStatus.CREDITED}),
        InvoiceStatus.OVERDUE: frozenset({InvoiceStatus.PAID, InvoiceStatus.CREDITED}),
        InvoiceStatus.PAID: frozenset({InvoiceStatus.CREDITED}),
        InvoiceStatus.CREDITED: frozenset(),
    },
)
"""Issued; overdue once the first dunning step reminded its payer (still unpaid); paid once;
credited (by a credit note) whether paid or not. A credit note is issued and stays so."""

UNPAID_INVOICE = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE})
"""The states of an invoice that may still be due: payable, creditable, dunned."""

CASHBACK = Lifecycle(
    CashbackStatus,
    "cashback entry",
    {
        CashbackStatus.PENDING: frozenset({CashbackStatus.AVAILABLE, CashbackStatus.REVERSED}),
        CashbackStatus.AVAILABLE: frozenset({CashbackStatus.REVERSED}),
        CashbackStatus.REVERSED: frozenset(),
    },
)
"""Follows its invoice: pending while issued, available once paid, reversed once credited."""


PAYOUT = Lifecycle(
    PayoutStatus,
    "payout",
    {
        PayoutStatus.REQUESTED: frozenset(
            {PayoutStatus.IN_TRANSIT, PayoutStatus.FAILED, PayoutStatus.CANCELLED}
        ),
        PayoutStatus.IN_TRANSIT: frozenset({PayoutStatus.COMPLETED, PayoutStatus.FAILED}),
        PayoutStatus.COMPLETED: frozenset(),
        PayoutStatus.FAILED: frozenset(),
        PayoutStatus.CANCELLED: frozenset(),
    },
    refusals={
        (PayoutStatus.REQUESTED, PayoutStatus.COMPLETED): "A requested payout has not been sent to "
        "the bank yet: only a payout in transit (in a payout batch) can be completed.",
        (PayoutStatus.IN_TRANSIT, PayoutStatus.CANCELLED): "The payout is in transit (its batch went "
        "to the bank): it can no longer be cancelled.",
    },
)
"""Requested (the amount left the balance); cancelled by its organisation (returned), or taken
into a batch (in transit); then completed by the bank, or failed (returned). A requested payout
may also be failed by the platform."""


def sources_of(lifecycle: Lifecycle[S], target: S) -> tuple[S, ...]:
    """The states from which an object may move to ``target``, in declaration order."""
    return tuple(state for state, targets in lifecycle.moves.items() if target in targets)
