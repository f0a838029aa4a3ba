"""Need to know (SPEC §3): the one place that decides what a viewer may see of each object.

Every read path — single objects, lists, events and webhooks — renders through these functions.
``viewer`` is an organisation id, or ``None`` for the platform, which sees everything. A function
returns ``None`` when the viewer may not see the object at all (the API answers 404), and
otherwise the object's JSON with every field the viewer may not see set to ``null``.

Every function that turns a stored object into its JSON lives in this package, one module per
group of domains; import them from ``partnerbilling.visibility``.
"""

from __future__ import annotations

from partnerbilling.jsonio import JSON
from partnerbilling.visibility.base import rfc3339
from partnerbilling.visibility.billing import (
    api_key_view,
    cashback_balances_view,
    cashback_entry_view,
    invoice_view,
    order_view,
    organization_view,
    partnership_change_view,
    partnership_view,
    subscription_view,
)
from partnerbilling.visibility.catalog import product_view, tier_view
from partnerbilling.visibility.exports import exported_entry_view, exported_invoice_view
from partnerbilling.visibility.foresight import (
    charge_view,
    explanation_view,
    order_explanation_view,
    quote_view,
)
from partnerbilling.visibility.money import (
    account_entry_view,
    account_view,
    payment_view,
    payout_batch_view,
    payout_view,
)
from partnerbilling.visibility.operators import audit_record_view, operator_key_view
from partnerbilling.visibility.preview import billing_mode_preview_view
from partnerbilling.visibility.profiles import issuer_view
from partnerbilling.visibility.receipts import receipt_view
from partnerbilling.visibility.renewals import run_result
from partnerbilling.visibility.webhooks import delivery_view, endpoint_view, event_view

__all__ = [
    "JSON",
    "account_entry_view",
    "account_view",
    "api_key_view",
    "audit_record_view",
    "billing_mode_preview_view",
    "cashback_balances_view",
    "cashback_entry_view",
    "charge_view",
    "delivery_view",
    "endpoint_view",
    "event_view",
    "explanation_view",
    "exported_entry_view",
    "exported_invoice_view",
    "invoice_view",
    "issuer_view",
    "operator_key_view",
    "order_explanation_view",
    "order_view",
    "organization_view",
    "partnership_change_view",
    "partnership_view",
    "payment_view",
    "payout_batch_view",
    "payout_view",
    "product_view",
    "quote_view",
    "receipt_view",
    "rfc3339",
    "run_result",
    "subscription_view",
    "tier_view",
]
