"""Views of organisations, partnerships, orders, invoices, subscriptions and cashback entries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from partnerbilling.billing.domain import CashbackEntry, InvoiceDocument, Order, Subscription
from partnerbilling.billing.issue import calendar_dates
from partnerbilling.billing.money import format_money, format_rate
from partnerbilling.billing.payments import amount_due
from partnerbilling.cashback.domain import CashbackBalance
from partnerbilling.invoices.domain import Invoice
from partnerbilling.jsonio import JSON
from partnerbilling.organizations.domain import Organization
from partnerbilling.partnerships.domain import Partnership, PartnershipChange
from partnerbilling.payments.domain import Payment
from partnerbilling.visibility.base import rfc3339
from partnerbilling.visibility.money import invoice_payment


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format_money(value)


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else format_rate(value)


def api_key_view(key_id: str, key: str, prefix: str, created_at: datetime) -> JSON:
    """A new API key: the only answer that ever shows the key itself."""
    return {"id": key_id, "key": key, "prefix": prefix, "created_at": rfc3339(created_at)}


def organization_view(org: Organization) -> JSON:
    """An organisation with its billing profile, as it and the platform see it."""
    return {
        "id": org.id,
        "name": org.name,
        "billing_email": org.billing_email,
        "currency": org.currency,
        "vat_rate": format_rate(org.vat_rate),
        "reseller_tier": org.reseller_tier,
        "legal_name": org.legal_name or org.name,
        "address": org.address,
        "vat_id": org.vat_id,
        "language": org.language,
        "payout_iban": org.payout_iban,
        "auto_pay_from_balance": org.auto_pay_from_balance,
        "reverse_charge": org.reverse_charge,
        "invoice_email": org.invoice_email,
        "invoicing": org.invoicing,
        "created_at": rfc3339(org.created_at),
        "updated_at": rfc3339(org.updated_at),
    }


def partnership_view(viewer: str | None, p: Partnership) -> JSON | None:
    """Both parties see the whole partnership; nobody else sees it."""
    if viewer is not None and viewer not in (p.customer_id, p.partner_id):
        return None
    return {
        "id": p.id,
        "customer_id": p.customer_id,
        "partner_id": p.partner_id,
        "access": p.access,
        "billing_mode": p.billing_mode,
        "status": p.status,
        "created_at": rfc3339(p.created_at),
        "updated_at": rfc3339(p.updated_at),
        "accepted_at": rfc3339(p.accepted_at),
        "ended_at": rfc3339(p.ended_at),
    }


def partnership_change_view(c: PartnershipChange) -> JSON:
    return {
        "id": c.id,
        "field": c.field,
        "old_value": c.old_value,
        "new_value": c.new_value,
        "changed_by_id": c.changed_by_id,
        "changed_at": rfc3339(c.changed_at),
    }


def order_view(viewer: str | None, o: Order) -> JSON | None:
    """The customer sees its orders, the partner those charged in its partnership; the payer's
    price (invoice, discount, net) only to the payer; the cashback only to the partner.

    ``o`` carries the order's columns and its cashback entry's as ``cashback_*`` (or nulls).
    """
    is_partner = viewer is not None and o.partnership_id is not None and viewer == o.partner_id
    if viewer is not None and viewer != o.customer_id and not is_partner:
        return None
    sees_price = viewer is None or viewer == o.payer_id
    sees_cashback = (viewer is None or is_partner) and o.cashback_amount is not None
    return {
        "id": o.id,
        "kind": o.kind,
        "channel": o.channel,
        "customer_id": o.customer_id,
        "placed_by_id": o.placed_by_id,
        "partnership_id": o.partnership_id,
        "subscription_id": o.subscription_id,
        "sku": o.sku,
        "quantity": o.quantity,
        "currency": o.currency,
        "payer_id": o.payer_id,
        "public_amount": format_money(o.public_amount),
        "discount": _money(o.discount) if sees_price else None,
        "net_amount": _money(o.net_amount) if sees_price else None,
        "invoice_id": o.invoice_id if sees_price else None,
        "billing_status": o.billing_status if sees_price else None,
        "cashback": (
            {
                "rate": _rate(o.cashback_rate),
                "amount": _money(o.cashback_amount),
                "status": o.cashback_status,
            }
            if sees_cashback
            else None
        ),
        "created_at": rfc3339(o.created_at),
    }


def invoice_view(
    viewer: str | None, inv: Invoice | InvoiceDocument, payments: Sequence[Payment] | None = None
) -> JSON | None:
    """Invoices and credit notes are seen by their payer only. ``seller``, ``buyer``, ``due_at``
    and ``payment_reference`` are what the document copied when it was issued; ``payments``
    are listed when given (a single invoice's read), else null (lists, events)."""
    if viewer is not None and viewer != inv.payer_id:
        return None
    # A document being issued has no payment yet.
    paid = inv.amount_paid if isinstance(inv, Invoice) else Decimal("0.00")
    issue_date, due_date = calendar_dates(inv.issued_at, inv.due_at, inv.issue_date, inv.due_date)
    return {
        "id": inv.id,
        "number": inv.number,
        "kind": inv.kind,
        "credits_invoice_id": inv.credits_invoice_id,
        "payer_id": inv.payer_id,
        "customer_id": inv.customer_id,
        "order_id": inv.order_id,
        "currency": inv.currency,
        "lines": inv.lines,
        "subtotal": format_money(inv.subtotal),
        "tax_rate": format_rate(inv.tax_rate),
        "tax": format_money(inv.tax),
        "total": format_money(inv.total),
        "status": inv.status,
        "reason": inv.reason,
        "issued_at": rfc3339(inv.issued_at),
        "due_at": rfc3339(inv.due_at),
        "issue_date": issue_date.isoformat(),
        "due_date": due_date.isoformat(),
        "paid_at": rfc3339(inv.paid_at),
        "payment_reference": inv.payment_reference,
        "amount_paid": format_money(paid),
        "amount_due": format_money(amount_due(inv.kind, inv.status, inv.total, paid)),
        "dunning_level": inv.dunning_level if isinstance(inv, Invoice) else 0,
        "payments": None if payments is None else [invoice_payment(p) for p in payments],
        "seller": inv.seller,
        "buyer": inv.buyer,
    }


def subscription_view(viewer: str | None, s: Subscription, active_partner_id: str | None) -> JSON | None:
    """The customer sees its subscriptions; its partner too, while their partnership is active."""
    if viewer is not None and viewer not in (s.customer_id, active_partner_id):
        return None
    return {
        "id": s.id,
        "customer_id": s.customer_id,
        "sku": s.sku,
        "quantity": s.quantity,
        "origin_channel": s.origin_channel,
        "status": s.status,
        "auto_renew": s.auto_renew,
        "current_period_start": rfc3339(s.current_period_start),
        "current_period_end": rfc3339(s.current_period_end),
        "created_at": rfc3339(s.created_at),
        "cancelled_at": rfc3339(s.cancelled_at),
        # Dunning of the invoice that charged it: dates only, never an amount or the invoice.
        "at_risk_since": rfc3339(s.at_risk_since),
        "suspends_at": rfc3339(s.suspends_at),
    }


def cashback_entry_view(viewer: str | None, e: CashbackEntry) -> JSON | None:
    """A cashback entry is seen by the partner that earns it, never by the customer."""
    if viewer is not None and viewer != e.partner_id:
        return None
    return {
        "id": e.id,
        "partner_id": e.partner_id,
        "customer_id": e.customer_id,
        "order_id": e.order_id,
        "currency": e.currency,
        "rate": format_rate(e.rate),
        "amount": format_money(e.amount),
        "status": e.status,
        "created_at": rfc3339(e.created_at),
        "updated_at": rfc3339(e.updated_at),
    }


def cashback_balances_view(rows: Iterable[CashbackBalance]) -> JSON:
    """A partner's sums of pending and of available cashback, per currency."""
    return {
        "balances": [
            {
                "currency": r.currency,
                "pending": format_money(r.pending),
                "available": format_money(r.available),
            }
            for r in rows
        ]
    }
