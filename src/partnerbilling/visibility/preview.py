"""The billing-mode preview as each side of the partnership sees it (SPEC §3, §11): every charge
redacted like its order, every total like the charges it sums."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerbilling.billing.money import format_money
from partnerbilling.jsonio import JSON
from partnerbilling.visibility.base import rfc3339
from partnerbilling.visibility.foresight import charge_view

if TYPE_CHECKING:  # billing.preview plans with billing.charge, which reads the views
    from partnerbilling.billing.preview import BillingModePreview, PlannedRenewal, RenewalPreview, Totals


def billing_mode_preview_view(viewer: str | None, preview: BillingModePreview) -> JSON:
    """The preview for one of the two parties (the caller's right to it was checked): a charge's
    price and a total's discount, net, VAT and total only for its payer, the cashback and its
    rate only for the partner."""
    partner_id = preview.partnership.partner_id
    return {
        "partnership_id": preview.partnership.id,
        "billing_mode_now": preview.partnership.billing_mode,
        "billing_mode_after": preview.billing_mode_after,
        "as_of": rfc3339(preview.as_of),
        "until": rfc3339(preview.until),
        "subscriptions": [_renewal(viewer, renewal) for renewal in preview.renewals],
        "twelve_months": [
            {
                "payer_id": row.payer_id,
                "currency": row.currency,
                "now": _totals(viewer, row.payer_id, partner_id, row.now),
                "after": _totals(viewer, row.payer_id, partner_id, row.after),
            }
            for row in preview.twelve_months
        ],
    }


def _renewal(viewer: str | None, renewal: RenewalPreview) -> JSON:
    sub = renewal.subscription
    return {
        "subscription_id": sub.id,
        "sku": sub.sku,
        "quantity": sub.quantity,
        "renews_at": rfc3339(renewal.renews_at),
        "period_end": rfc3339(renewal.period_end),
        "renewals_in_twelve_months": renewal.renewals_in_horizon,
        "now": _charge(viewer, renewal.now),
        "now_refusal": renewal.now.refusal,
        "after": _charge(viewer, renewal.after),
        "after_refusal": renewal.after.refusal,
    }


def _charge(viewer: str | None, planned: PlannedRenewal) -> JSON | None:
    plan = planned.plan
    return None if plan is None else charge_view(viewer, plan.order, plan.invoice, plan.cashback)


def _totals(viewer: str | None, payer_id: str, partner_id: str, totals: Totals) -> JSON:
    sees_price = viewer is None or viewer == payer_id
    sees_cashback = viewer is None or viewer == partner_id
    return {
        "renewals": totals.renewals,
        "public_amount": format_money(totals.public_amount),
        "discount": format_money(totals.discount) if sees_price else None,
        "net_amount": format_money(totals.net_amount) if sees_price else None,
        "tax": format_money(totals.tax) if sees_price else None,
        "total": format_money(totals.total) if sees_price else None,
        "cashback": format_money(totals.cashback) if sees_cashback else None,
    }
