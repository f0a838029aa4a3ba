"""The monthly close (SPEC §15), pure: which charges it bills, and the one invoice per payer and
currency it issues for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from partnerbilling.billing.charge import charge_line
from partnerbilling.billing.domain import InvoiceDocument, Order
from partnerbilling.billing.issue import NAMES_CUSTOMER
from partnerbilling.billing.money import round_money
from partnerbilling.jsonio import JSON
from partnerbilling.language import Language
from partnerbilling.states import InvoiceKind, InvoiceStatus


@dataclass(frozen=True, slots=True)
class UnbilledCharge:
    """An unbilled order with the names its invoice line shows."""

    order: Order
    product_name: str
    customer_name: str


def _line(c: UnbilledCharge, language: Language) -> JSON:
    """A charge's line: its order's, naming the customer it is for, and its order."""
    line = charge_line(c.order, c.product_name, c.customer_name, language)
    return {**line, NAMES_CUSTOMER: True, "order_id": c.order.id}


@dataclass(frozen=True, slots=True)
class Payer:
    """The payer as its monthly invoice needs it: its VAT rate now, its profile as the buyer."""

    id: str
    currency: str
    vat_rate: Decimal  # 0 for reverse charge
    buyer: JSON


def plan_monthly_invoice(
    payer: Payer, charges: Sequence[UnbilledCharge], invoice_id: str, at: datetime
) -> InvoiceDocument:
    """One invoice for the charges: a line per charge (oldest first), the VAT once on the sum of
    the nets at the payer's rate (EN 16931 BR-CO-17: round(Σ net × rate), not Σ round)."""
    assert charges, "a monthly invoice has at least one charge"
    ordered = sorted(charges, key=lambda c: (c.order.created_at, c.order.id))
    language = Language.of(payer.buyer.get("language"))
    lines = [_line(c, language) for c in ordered]
    subtotal = sum((c.order.net_amount for c in ordered), Decimal("0.00"))
    tax = round_money(subtotal * payer.vat_rate)
    first = ordered[0].order
    return InvoiceDocument(
        id=invoice_id,
        kind=InvoiceKind.INVOICE,
        credits_invoice_id=None,
        payer_id=payer.id,
        # The charges are for several customers (each line names its own): the payer's invoice.
        customer_id=payer.id,
        order_id=first.id,
        currency=payer.currency,
        lines=lines,
        subtotal=subtotal,
        tax_rate=payer.vat_rate,
        tax=tax,
        total=subtotal + tax,
        status=InvoiceStatus.ISSUED,
        reason=None,
        issued_at=at,
        buyer=payer.buyer,
    )
