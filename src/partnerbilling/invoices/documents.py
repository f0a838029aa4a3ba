"""An issued invoice or credit note as the document it renders to (SPEC §8): read from what it
copied when it was issued, never from today's profiles, so that it renders the same after any
profile change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from partnerbilling.billing.issue import DEFAULT_ZONE
from partnerbilling.billing.references import is_qr_iban
from partnerbilling.documents.domain import (
    Address,
    BankAccount,
    Buyer,
    CreditedInvoice,
    Document,
    Language,
    Line,
    Paid,
    Seller,
)
from partnerbilling.documents.facturx import facturx_xml
from partnerbilling.errors import IssuerNotConfigured
from partnerbilling.invoices.domain import Invoice
from partnerbilling.jsonio import JSON
from partnerbilling.payments.domain import Payment
from partnerbilling.states import InvoiceKind

NO_ISSUER = (
    "This document was issued while no issuer was configured (its seller is null), so it cannot "
    "be rendered; configure one with PUT /v1/admin/issuer for the documents issued from now on."
)


def renderable(
    invoice: Invoice,
    credited: Invoice | None,
    payments: Sequence[Payment] = (),
    zone: ZoneInfo = DEFAULT_ZONE,
) -> Document:
    """The document of an issued invoice or credit note (``credited``: the invoice a credit note
    credits) in its state now: its ``payments``, dated in the issuer's ``zone``, and the day it
    was paid. Raises :class:`IssuerNotConfigured` for a document issued without an issuer."""
    if invoice.seller is None:
        raise IssuerNotConfigured(NO_ISSUER)
    assert invoice.buyer is not None  # every document has one (the migration gave the old ones theirs)
    is_note = invoice.kind == InvoiceKind.CREDIT_NOTE
    paid = tuple(Paid(_day(p.received_at, zone), p.applied) for p in payments if p.applied)
    issue_date, due_date = invoice.dates
    return Document(
        id=invoice.id,
        number=invoice.number,
        is_credit_note=is_note,
        currency=invoice.currency,
        issued_at=invoice.issued_at,
        due_at=invoice.due_at,
        issue_date=issue_date,
        due_date=due_date,
        seller=_seller(invoice.seller, invoice.currency),
        buyer=_buyer(invoice.buyer),
        payer_id=invoice.payer_id,
        customer_id=invoice.customer_id,
        lines=tuple(_line(line) for line in invoice.lines),
        subtotal=invoice.subtotal,
        tax_rate=invoice.tax_rate,
        tax=invoice.tax,
        total=invoice.total,
        amount_due=invoice.amount_due,
        payment_reference=invoice.payment_reference,
        credited=CreditedInvoice(credited.number, credited.dates[0]) if credited else None,
        reason=invoice.reason,
        payments=paid,
        # The day the money arrived (the last payment's), else the day it was recorded as paid.
        paid_on=max((p.day for p in paid), default=None)
        or (_day(invoice.paid_at, zone) if invoice.paid_at else None),
        credited_paid=credited.amount_paid if credited else Decimal("0.00"),
    )


def _day(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def as_issued(document: Document) -> Document:
    """The document as it was issued, before any payment: what its XML says, whenever it is
    drawn (the PDF shows what was paid since)."""
    due = Decimal("0.00") if document.is_credit_note else document.total
    return replace(document, amount_due=due, payments=(), paid_on=None)


def issued_xml(invoice: Invoice, credited: Invoice | None) -> bytes:
    """The document's XML as it was issued (SPEC §17: the bytes never change after issue, and
    the journal hashes them): its amount due (BT-115) is what was due at issue, before any
    payment; what is due now is the invoice JSON's ``amount_due`` and the PDF's payment part."""
    return facturx_xml(as_issued(renderable(invoice, credited)))


def _seller(seller: JSON, currency: str) -> Seller:
    account = seller["bank_accounts"].get(currency)
    return Seller(
        legal_name=seller["legal_name"],
        address=Address.of(seller["address"]),
        vat_id=seller["vat_id"],
        email=seller["email"],
        bank_account=(
            BankAccount(account["iban"], account.get("bic"), is_qr_iban(account["iban"])) if account else None
        ),
    )


def _buyer(buyer: JSON) -> Buyer:
    address = buyer.get("address")
    return Buyer(
        legal_name=buyer["legal_name"],
        address=Address.of(address) if address else None,
        vat_id=buyer.get("vat_id"),
        language=Language.of(buyer.get("language")),
        reverse_charge=bool(buyer.get("reverse_charge", False)),
    )


def _line(line: JSON) -> Line:
    return Line(
        description=line["description"],
        sku=line["sku"],
        quantity=line["quantity"],
        unit_price=Decimal(line["unit_price"]),
        amount=Decimal(line["amount"]),
        discount=Decimal(line["discount"]),
        net_amount=Decimal(line["net_amount"]),
        customer_id=line["customer_id"],
        customer_name=line["customer_name"],
        period_start=date.fromisoformat(line["period_start"]),
        period_end=date.fromisoformat(line["period_end"]),
        product_name=line.get("product_name"),
        kind=line.get("kind"),
    )
