"""Planning a credit note: the whole invoice negated, issued to its payer like an invoice."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from partnerbilling.billing.domain import InvoiceDocument
from partnerbilling.jsonio import JSON
from partnerbilling.states import InvoiceKind, InvoiceStatus

# The amounts of an invoice line, negated on its credit note (the rest is copied).
_LINE_AMOUNTS = ("amount", "discount", "net_amount")


def plan_credit_note(invoice: InvoiceDocument, note_id: str, reason: str, at: datetime) -> InvoiceDocument:
    """The credit note of ``invoice``: same payer (and buyer), customer, order, currency and tax
    rate; every amount negated; issued at ``at`` with its own number (filled in as it is issued)."""
    return replace(
        invoice,
        id=note_id,
        kind=InvoiceKind.CREDIT_NOTE,
        credits_invoice_id=invoice.id,
        lines=[_negated_line(line) for line in invoice.lines],
        subtotal=-invoice.subtotal,
        tax=-invoice.tax,
        total=-invoice.total,
        status=InvoiceStatus.ISSUED,
        reason=reason,
        issued_at=at,
        number=None,
        paid_at=None,
        seller=None,
        due_at=None,
        payment_reference=None,
        issue_date=None,
        due_date=None,
    )


def _negated_line(line: JSON) -> JSON:
    negated = dict(line)
    for key in _LINE_AMOUNTS:
        value = line[key]
        negated[key] = value if value == "0.00" else (value[1:] if value.startswith("-") else f"-{value}")
    return negated
