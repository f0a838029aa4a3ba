"""The objects a charge is planned from and planned into: frozen, typed, no database.

What the planner reads (:class:`Organization`, :class:`Product`, with
:class:`~partnerbilling.billing.routing.ActivePartnership`) and what it returns to be written
(:class:`Subscription`, :class:`Order`, :class:`CashbackEntry`, :class:`InvoiceDocument`,
:class:`PlannedEvent`). Field names are the column names, so that
:func:`partnerbilling.sql.column_values` gives a statement its parameters and the views in
:mod:`partnerbilling.visibility` read them as rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from partnerbilling.billing.pricing import Tier
from partnerbilling.events.schemas import EventType
from partnerbilling.jsonio import JSON
from partnerbilling.states import OrderKind

# A recipient's redacted payload of an event's object, or None if it may not see it.
View = Callable[[str], JSON | None]


class RateSource(StrEnum):
    """Where a charge's partner rate came from: the tier's rate for the product's category, the
    tier's default rate, or no tier at all (a partner that lost its tier earns 0)."""

    CATEGORY = "category"
    DEFAULT = "default"
    NO_TIER = "no_tier"


@dataclass(frozen=True, slots=True)
class Organization:
    """An organisation as a charge needs it; a partner with its reseller tier when read with it
    (``tier`` None: none, or it lost it)."""

    id: str
    name: str
    currency: str
    vat_rate: Decimal
    tier: Tier | None = None
    # Its billing profile as an issued document copies it (:func:`buyer_snapshot`); None: only
    # its name is known.
    buyer: JSON | None = None
    # A business abroad that accounts for the VAT itself: charged at VAT rate 0.
    reverse_charge: bool = False
    # Invoices to it are paid from its balance as they are issued, when it covers them.
    auto_pay_from_balance: bool = False
    # Invoiced once a month (SPEC §15): its charges wait unbilled for the monthly close.
    monthly: bool = False

    @property
    def charged_vat_rate(self) -> Decimal:
        return Decimal(0) if self.reverse_charge else self.vat_rate


@dataclass(frozen=True, slots=True)
class Product:
    """A catalogue product; ``prices`` per currency."""

    sku: str
    name: str
    category: str
    period_months: int
    prices: Mapping[str, Decimal]
    names: Mapping[str, str] | None = None  # its name per language (de, fr, it, en), where given

    def name_in(self, language: str) -> str:
        """Its name in ``language``, or its ``name``."""
        return (self.names or {}).get(language) or self.name


@dataclass(frozen=True, slots=True)
class Subscription:
    """A new subscription, as created by an order."""

    id: str
    customer_id: str
    sku: str
    quantity: int
    origin_channel: str
    origin_partnership_id: str | None
    status: str
    auto_renew: bool
    current_period_start: datetime
    current_period_end: datetime
    created_at: datetime
    cancelled_at: datetime | None
    # Set by dunning (SPEC §10): at risk since the final notice, suspended at ``suspends_at``.
    at_risk_since: datetime | None
    suspends_at: datetime | None


@dataclass(frozen=True, slots=True)
class Order:
    """An order's columns, and its cashback entry's as ``cashback_*`` (nulls without one), as
    :func:`partnerbilling.visibility.order_view` reads them."""

    id: str
    kind: OrderKind
    channel: str
    customer_id: str
    placed_by_id: str | None
    partnership_id: str | None
    partner_id: str | None
    subscription_id: str
    sku: str
    quantity: int
    currency: str
    payer_id: str
    unit_price: Decimal
    public_amount: Decimal
    discount: Decimal
    net_amount: Decimal
    partner_rate: Decimal | None
    invoice_id: str | None  # None while unbilled
    period_start: datetime
    period_end: datetime
    created_at: datetime
    cashback_rate: Decimal | None = None
    cashback_amount: Decimal | None = None
    cashback_status: str | None = None
    # What it was routed and rated by, for its explanation: the partnership's terms, the
    # partner's tier, the product's category and the rate's :class:`RateSource` (None without
    # a partnership, and on orders placed before these were recorded).
    access: str | None = None
    billing_mode: str | None = None
    tier_code: str | None = None
    category: str | None = None
    rate_source: str | None = None
    billing_status: str = "billed"  # unbilled: waiting for the monthly close (SPEC §15)


@dataclass(frozen=True, slots=True)
class CashbackEntry:
    id: str
    partner_id: str
    order_id: str
    customer_id: str
    currency: str
    rate: Decimal
    amount: Decimal
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """An invoice or credit note to issue: its number and date are filled in as it is issued
    (``number`` and ``paid_at`` are None until then, as its ``invoice.issued`` payload says)."""

    id: str
    kind: str  # invoice | credit_note
    credits_invoice_id: str | None
    payer_id: str
    customer_id: str
    order_id: str
    currency: str
    lines: list[JSON]
    subtotal: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    status: str
    reason: str | None
    issued_at: datetime
    buyer: JSON | None = None  # the payer's profile (:func:`buyer_snapshot`)
    number: str | None = None
    paid_at: datetime | None = None
    # Filled in as it is issued: the issuer (None if none is configured), the due date, and the
    # reference a payment quotes (None on a credit note).
    seller: JSON | None = None
    due_at: datetime | None = None
    payment_reference: str | None = None
    # ``issued_at`` and ``due_at`` as calendar dates in the issuer's time zone.
    issue_date: date | None = None
    due_date: date | None = None


def buyer_snapshot(
    name: str,
    legal_name: str | None,
    address: JSON | None,
    vat_id: str | None,
    language: str,
    reverse_charge: bool,
) -> JSON:
    """The payer's billing profile as a document copies it (its ``buyer``)."""
    return {
        "legal_name": legal_name or name,
        "address": address,
        "vat_id": vat_id,
        "language": language,
        "reverse_charge": reverse_charge,
    }


class PlannedEvent(NamedTuple):
    """An event to record: its type, who is told, and each one's view of the object (computed
    when it is recorded; recipients that are None or repeated are skipped). A tuple, as
    :func:`partnerbilling.events.service.emit_many` takes it."""

    type: EventType
    recipients: tuple[str | None, ...]
    view: View


def event_rows(events: Iterable[PlannedEvent]) -> list[tuple[str, EventType, JSON]]:
    """The events as recorded: ``(recipient, type, its view)`` for each recipient that may see
    the object, once per recipient and event (as :func:`partnerbilling.events.service.emit_many`
    records them; the bench's raw reference uses this)."""
    rows: list[tuple[str, EventType, JSON]] = []
    for event in events:
        for org_id in dict.fromkeys(r for r in event.recipients if r is not None):
            data = event.view(org_id)
            if data is not None:
                rows.append((org_id, event.type, data))
    return rows
