"""Views of the money that moves after an invoice (SPEC §9): account entries. Each is its
organisation's alone: everyone else may not see it at all."""

from __future__ import annotations

from partnerbilling.accounts.domain import AccountEntry
from partnerbilling.billing.money import format_money
from partnerbilling.jsonio import JSON
from partnerbilling.visibility.base import rfc3339


def account_entry_view(viewer: str | None, e: AccountEntry) -> JSON | None:
    """An account entry is seen by the organisation whose account it is (and the platform)."""
    if viewer is not None and viewer != e.org_id:
        return None
    return {
        "id": e.id,
        "currency": e.currency,
        "amount": format_money(e.amount),
        "kind": e.kind,
        "invoice_id": e.invoice_id,
        "cashback_entry_id": e.cashback_entry_id,
        "payment_id": e.payment_id,
        "payout_id": e.payout_id,
        "description": e.description,
        "created_at": rfc3339(e.created_at),
    }
