"""A document as it is rendered: everything an invoice or credit note prints, typed, read from
the issued document's own snapshot (``seller``, ``buyer``, lines, totals), never from today's
profiles. Built by :func:`document_of`; rendered by :mod:`partnerbilling.documents.facturx`
(the XML) and :mod:`partnerbilling.documents.pdf` (the PDF with the XML embedded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from partnerbilling.jsonio import JSON
from partnerbilling.language import Language

__all__ = ["Language"]


@dataclass(frozen=True, slots=True)
class Address:
    """A structured postal address (as the Swiss QR-bill requires): ``country`` ISO 3166-1
    alpha-2."""

    street: str
    postal_code: str
    city: str
    country: str
    building_number: str | None = None
    extra_line: str | None = None

    @classmethod
    def of(cls, data: JSON) -> Address:
        return cls(
            street=data["street"],
            postal_code=data["postal_code"],
            city=data["city"],
            country=data["country"],
            building_number=data.get("building_number"),
            extra_line=data.get("extra_line"),
        )


@dataclass(frozen=True, slots=True)
class BankAccount:
    """The issuer's account for the document's currency. ``bic`` for EUR (SEPA)."""

    iban: str
    bic: str | None
    qr_iban: bool


@dataclass(frozen=True, slots=True)
class Seller:
    """The issuer as it was when the document was issued."""

    legal_name: str
    address: Address
    vat_id: str | None
    email: str
    bank_account: BankAccount | None  # None: no account in the document's currency


@dataclass(frozen=True, slots=True)
class Buyer:
    """The payer's billing profile as it was when the document was issued (``address`` None on
    documents issued before profiles existed)."""

    legal_name: str
    address: Address | None
    vat_id: str | None
    language: Language
    reverse_charge: bool


@dataclass(frozen=True, slots=True)
class Line:
    """One line: what, for which customer (printed when the payer is not the customer), for which
    supply period (``period_end`` exclusive, as the order's period), and its amounts (negative on
    a credit note)."""

    description: str
    sku: str
    quantity: int
    unit_price: Decimal
    amount: Decimal  # quantity × unit price
    discount: Decimal
    net_amount: Decimal
    customer_id: str
    customer_name: str
    period_start: date
    period_end: date
    # What it is, when the line says (documents issued before did not): the product's name in
    # the document's language, and ``order`` or ``renewal``.
    product_name: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class CreditedInvoice:
    """The invoice a credit note credits (BT-25, BT-26), its issue date in the issuer's zone."""

    number: str
    issue_date: date


@dataclass(frozen=True, slots=True)
class Paid:
    """A payment towards an invoice: its day (in the issuer's zone) and amount."""

    day: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Document:
    """An issued invoice (type 380) or credit note (381), ready to render."""

    id: str
    number: str
    is_credit_note: bool
    currency: str  # CHF | EUR
    issued_at: datetime
    due_at: datetime
    issue_date: date  # ``issued_at`` and ``due_at`` as calendar dates in the issuer's zone
    due_date: date
    seller: Seller
    buyer: Buyer
    payer_id: str
    customer_id: str
    lines: tuple[Line, ...]
    subtotal: Decimal  # the net total
    tax_rate: Decimal  # 0.081 for 8.1 %; 0 under reverse charge
    tax: Decimal
    total: Decimal
    amount_due: Decimal  # what a payment part asks for: 0 when paid, credited or a credit note
    payment_reference: str | None  # None on a credit note
    credited: CreditedInvoice | None  # a credit note's invoice
    reason: str | None  # a credit note's reason
    # Its state when rendered (the PDF shows it; the XML stays as issued): the payments towards
    # an invoice, and the day it was paid in full; for a credit note, what its invoice had paid.
    payments: tuple[Paid, ...] = ()
    paid_on: date | None = None
    credited_paid: Decimal = Decimal("0.00")

    @property
    def language(self) -> Language:
        return self.buyer.language

    @property
    def number_country(self) -> str:
        """The country whose way of writing numbers the document follows: the buyer's."""
        return self.buyer.address.country if self.buyer.address else self.seller.address.country

    @property
    def names_customers(self) -> bool:
        """Whether the lines name their customer: a line's customer is not the payer (a partner
        pays and re-bills its clients; a monthly invoice's lines are for several customers)."""
        return self.payer_id != self.customer_id or any(
            line.customer_id != self.payer_id for line in self.lines
        )
