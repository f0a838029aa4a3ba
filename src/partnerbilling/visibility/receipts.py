"""Views of the bank's side (SPEC §13): unapplied receipts, the platform's alone."""

from __future__ import annotations

from partnerbilling.billing.money import format_money
from partnerbilling.jsonio import JSON
from partnerbilling.payments.domain import Receipt
from partnerbilling.visibility.base import rfc3339


def receipt_view(viewer: str | None, r: Receipt) -> JSON | None:
    """A receipt is seen by the platform only (it may be nobody's money yet)."""
    if viewer is not None:
        return None
    return {
        "id": r.id,
        "received_at": rfc3339(r.received_at),
        "amount": format_money(r.amount),
        "currency": r.currency,
        "reference": r.reference,
        "debtor_name": r.debtor_name,
        "debtor_iban": r.debtor_iban,
        "remittance": r.remittance,
        "reason": r.reason,
        "status": r.status,
        "file_message_id": r.file_message_id,
        "entry_reference": r.credit_id,
        "invoice_id": r.invoice_id,
        "org_id": r.org_id,
        "payment_id": r.payment_id,
        "account_entry_id": r.entry_id,
        "return_reason": r.return_reason,
        "created_at": rfc3339(r.created_at),
        "updated_at": rfc3339(r.updated_at),
    }
