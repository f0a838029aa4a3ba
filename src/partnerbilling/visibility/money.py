"""Views of the money that moves after an invoice (SPEC §9): accounts, their entries, payments
and payouts. Each is its organisation's alone (a payment its payer's): everyone else may not see
it at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from partnerbilling.accounts.domain import AccountEntry, AccountSummary
from partnerbilling.billing.money import format_money
from partnerbilling.jsonio import JSON
from partnerbilling.payments.domain import Payment
from partnerbilling.payouts.domain import BatchSummary, Payout
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


def payment_view(viewer: str | None, p: Payment) -> JSON | None:
    """A payment is seen by the payer of its invoice (and the platform); nobody else, not even
    the partner whose cashback it made available."""
    if viewer is not None and viewer != p.payer_id:
        return None
    return {
        "id": p.id,
        "invoice_id": p.invoice_id,
        "payer_id": p.payer_id,
        "currency": p.currency,
        "amount": format_money(p.amount),
        "applied": format_money(p.applied),
        "method": p.method,
        "external_id": p.external_id,
        "reference": p.reference,
        "received_at": rfc3339(p.received_at),
        "created_at": rfc3339(p.created_at),
    }


def invoice_payment(p: Payment) -> JSON:
    """A payment as its invoice lists it (to the payer)."""
    return {
        "id": p.id,
        "amount": format_money(p.amount),
        "applied": format_money(p.applied),
        "currency": p.currency,
        "method": p.method,
        "received_at": rfc3339(p.received_at),
    }


def account_view(balances: Sequence[AccountSummary], top_up_references: Mapping[str, str]) -> JSON:
    """The caller's own account, per currency (only ever read for the caller itself), with the
    references a bank transfer quotes to top it up."""
    return {
        "top_up_references": dict(top_up_references),
        "balances": [
            {
                "currency": b.currency,
                "balance": format_money(b.balance),
                "pending_cashback": format_money(b.pending_cashback),
            }
            for b in balances
        ],
    }


def payout_view(viewer: str | None, p: Payout) -> JSON | None:
    """A payout is seen by the organisation that asked for it (and the platform)."""
    if viewer is not None and viewer != p.org_id:
        return None
    return {
        "id": p.id,
        "org_id": p.org_id,
        "currency": p.currency,
        "amount": format_money(p.amount),
        "iban": p.iban,
        "status": p.status,
        # The batch bundles other organisations' payouts: the platform's business alone.
        "batch_id": p.batch_id if viewer is None else None,
        "created_at": rfc3339(p.created_at),
        "updated_at": rfc3339(p.updated_at),
    }


def payout_batch_view(b: BatchSummary) -> JSON:
    """A payout batch, which only the platform sees."""
    return {
        "id": b.id,
        "currency": b.currency,
        "status": b.status,
        "count": b.count,
        "total": format_money(b.total),
        "message_id": b.message_id,
        "execution_date": b.execution_date.isoformat(),
        "debtor_iban": b.debtor_iban,
        "debtor_bic": b.debtor_bic,
        "created_at": rfc3339(b.created_at),
    }
