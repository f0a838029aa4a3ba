"""Invoices and credit notes as the repository returns them: frozen, typed, one field per
column (the names are the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from partnerbilling.billing.issue import calendar_dates
from partnerbilling.billing.payments import amount_due
from partnerbilling.jsonio import JSON


@dataclass(frozen=True, slots=True)
class Invoice:
    """A stored invoice or credit note (a document to issue is a
    :class:`partnerbilling.billing.domain.InvoiceDocument`)."""

    id: str
    number: str
    kind: str  # invoice | credit_note
    credits_invoice_id: str | None
    payer_id: str
    customer_id: str
    order_id: str
    currency: str
    # [{description, sku, quantity, unit_price, amount, discount, net_amount}], amounts as strings.
    lines: list[JSON]
    subtotal: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    status: str
    reason: str | None
    issued_at: datetime
    paid_at: datetime | None
    created_at: datetime
    # Copied when issued (SPEC §7): the issuer (None: none was configured), the payer's profile.
    seller: JSON | None
    buyer: JSON | None
    due_at: datetime
    payment_reference: str | None
    amount_paid: Decimal  # what its payments paid of it; due: total − amount_paid
    # Dunning (SPEC §10): the last step taken (0 none … 4 suspension) and the run's ``as_of``.
    dunning_level: int = 0
    dunning_step_at: datetime | None = None
    dunning_claimed_until: datetime | None = None
    # ``issued_at`` and ``due_at`` as calendar dates in the issuer's time zone when issued (None:
    # written without them; :attr:`dates` reads them as Europe/Zurich's).
    issue_date: date | None = None
    due_date: date | None = None

    @property
    def dates(self) -> tuple[date, date]:
        """Its issue and due dates, as calendar dates in the issuer's time zone."""
        return calendar_dates(self.issued_at, self.due_at, self.issue_date, self.due_date)

    @property
    def amount_due(self) -> Decimal:
        """What is still to pay (:func:`partnerbilling.billing.payments.amount_due`): what its
        payment part, a reminder and a payment from the balance ask for."""
        return amount_due(self.kind, self.status, self.total, self.amount_paid)


@dataclass(frozen=True, slots=True)
class ExportedInvoice:
    """What the CSV export (SPEC §12) reads of an invoice or credit note: the stored columns
    its rows show, without the snapshots of seller and buyer."""

    id: str
    number: str
    kind: str
    payer_id: str
    currency: str
    lines: list[JSON]
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    amount_paid: Decimal
    status: str
    issued_at: datetime
    due_at: datetime
    created_at: datetime
    issue_date: date | None = None  # as on :class:`Invoice`
    due_date: date | None = None

    @property
    def dates(self) -> tuple[date, date]:
        return calendar_dates(self.issued_at, self.due_at, self.issue_date, self.due_date)
