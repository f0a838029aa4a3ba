"""What an import of a bank file did with each of its credits, and its JSON answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from partnerbilling.billing.money import format_money
from partnerbilling.jsonio import JSON
from partnerbilling.payments.camt import CreditEntry, Skipped
from partnerbilling.payments.domain import BankCredit


@dataclass(frozen=True, slots=True)
class Matched:
    """A credit recorded as a payment of an invoice."""

    invoice_id: str
    payment_id: str
    credit: CreditEntry


@dataclass(frozen=True, slots=True)
class TopUp:
    """A credit that quoted an organisation's top-up reference: an entry on its account."""

    org_id: str
    entry_id: str
    credit: CreditEntry


@dataclass(frozen=True, slots=True)
class Kept:
    """A credit that paid none of our invoices or accounts: an open receipt, and why."""

    receipt_id: str
    reason: str
    detail: str
    credit: CreditEntry


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A credit recorded before, and what it became then."""

    recorded: BankCredit
    credit: CreditEntry


@dataclass(slots=True)
class ImportResult:
    """What an import did with each credit of the file; ``skipped``: the entries that are no
    money received (debits, reversals, not booked)."""

    message: str
    message_id: str
    matched: list[Matched] = field(default_factory=list)
    top_ups: list[TopUp] = field(default_factory=list)
    unmatched: list[Kept] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def as_json(self) -> JSON:
        """The answer of the import endpoint (amounts with two decimals)."""

        def money(credit: CreditEntry) -> JSON:
            return {
                "amount": format_money(credit.amount),
                "currency": credit.currency,
                "entry_reference": credit.entry_reference,
            }

        return {
            "message": self.message,
            "message_id": self.message_id,
            "matched": [
                {"invoice_id": m.invoice_id, "payment_id": m.payment_id, **money(m.credit)}
                for m in self.matched
            ],
            "top_ups": [
                {"org_id": t.org_id, "account_entry_id": t.entry_id, **money(t.credit)} for t in self.top_ups
            ],
            "unmatched": [
                {
                    "receipt_id": k.receipt_id,
                    "reference": k.credit.reference,
                    "reason": k.reason,
                    "detail": k.detail,
                    **money(k.credit),
                }
                for k in self.unmatched
            ],
            "duplicates": [
                {
                    "outcome": d.recorded.outcome,
                    "invoice_id": d.recorded.invoice_id,
                    "payment_id": d.recorded.payment_id,
                    "receipt_id": d.recorded.receipt_id,
                    "account_entry_id": d.recorded.entry_id,
                    **money(d.credit),
                }
                for d in self.duplicates
            ],
            "skipped": [
                {"entry_index": s.entry_index, "entry_reference": s.entry_reference, "reason": s.reason}
                for s in self.skipped
            ],
        }
