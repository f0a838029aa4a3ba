"""What a payment does to an invoice (SPEC §9), as pure rules: what is still due, which part of
a payment pays the invoice and which goes to the payer's account, and how much a balance pays."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from partnerbilling.states import UNPAID_INVOICE, InvoiceKind

ZERO = Decimal("0.00")


def amount_due(kind: str, status: str, total: Decimal, amount_paid: Decimal) -> Decimal:
    """What is still to pay: an issued (or overdue) invoice's total less what its payments paid;
    nothing once it is paid or credited, and nothing on a credit note."""
    if kind == InvoiceKind.INVOICE and status in UNPAID_INVOICE:
        return max(total - amount_paid, ZERO)
    return ZERO


@dataclass(frozen=True, slots=True)
class Split:
    """A payment of ``applied + overpaid``: ``applied`` pays the invoice, ``overpaid`` goes to
    the payer's account; ``completes``: nothing is due after it (the invoice becomes paid)."""

    applied: Decimal
    overpaid: Decimal
    completes: bool


def split_payment(amount: Decimal, due: Decimal) -> Split:
    """How a payment of ``amount`` (> 0) meets ``due``: what is due is paid first, the rest is an
    overpayment (all of it when nothing is due)."""
    applied = min(amount, due)
    return Split(applied, amount - applied, due > 0 and applied == due)


def from_balance(due: Decimal, balance: Decimal, *, partial: bool) -> Decimal | None:
    """How much a balance pays of ``due``: all of it if the balance covers it; with ``partial``,
    as much as it covers; None when it pays nothing (nothing due, or not enough balance)."""
    if due <= 0:
        return None
    if balance >= due:
        return due
    if partial and balance > 0:
        return balance
    return None
