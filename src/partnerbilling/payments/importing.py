"""Importing a bank notification (SPEC §9, ``POST /v1/admin/payments/import``): every credit
entry of a camt.054/053 file whose structured reference names one of our invoices is recorded as
a bank-transfer payment of it, with the bank's entry reference as its ``external_id``, so that
importing the same file again (or its statement after its notification) records nothing new.

The finding and the recording are passed in (:class:`FindInvoice`, :class:`RecordPayment`): the
payments service plugs its own in, the tests plug in fakes. The file is read whole before the
first payment is recorded, so a file that cannot be read records nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Protocol, TypeVar

from partnerbilling.billing.references import number_of
from partnerbilling.errors import Conflict, DuplicateKey, Unprocessable
from partnerbilling.jsonio import JSON
from partnerbilling.payments.camt import CreditEntry, Skipped, read_notification
from partnerbilling.sql import Connection
from partnerbilling.states import PaymentMethod


class PayableInvoice(Protocol):
    """What the import needs to know of an invoice."""

    @property
    def id(self) -> str: ...

    @property
    def currency(self) -> str: ...


class RecordedPayment(Protocol):
    """What the import needs to know of a recorded payment."""

    @property
    def id(self) -> str: ...

    @property
    def invoice_id(self) -> str: ...


class FindPayments(Protocol):
    """The payments recorded with these external ids, by external id: one round trip for a file."""

    async def __call__(
        self, conn: Connection, external_ids: Sequence[str], /
    ) -> Mapping[str, RecordedPayment]: ...


InvoiceT = TypeVar("InvoiceT", bound=PayableInvoice)
InvoiceT_co = TypeVar("InvoiceT_co", bound=PayableInvoice, covariant=True)
InvoiceT_contra = TypeVar("InvoiceT_contra", bound=PayableInvoice, contravariant=True)


class FindInvoice(Protocol[InvoiceT_co]):
    """The invoices of these numbers (``2026-000042``) that exist, by number, read locked until
    commit: one round trip for a whole file."""

    async def __call__(self, conn: Connection, numbers: Sequence[str], /) -> Mapping[str, InvoiceT_co]: ...


class RecordPayment(Protocol[InvoiceT_contra]):
    """Records a payment of an invoice, once per ``external_id``: the payment and whether it is
    new (False: that external id was recorded before). Refuses (a :class:`Conflict` or an
    :class:`Unprocessable`) before it writes anything."""

    async def __call__(
        self,
        conn: Connection,
        invoice: InvoiceT_contra,
        amount: Decimal,
        currency: str,
        method: str,
        external_id: str,
        received_at: datetime,
        reference: str | None,
        /,
    ) -> tuple[RecordedPayment, bool]: ...


@dataclass(frozen=True, slots=True)
class Matched:
    """A credit entry recorded as a payment of an invoice (or found recorded before)."""

    invoice_id: str
    payment_id: str
    amount: Decimal
    currency: str
    entry_reference: str


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A credit entry that paid none of our invoices, and why."""

    reference: str | None
    amount: Decimal
    currency: str
    entry_reference: str
    reason: str


@dataclass(slots=True)
class ImportResult:
    """What an import did with each credit entry of the file; ``skipped``: the entries that are
    no money received (debits, reversals, not booked)."""

    message: str
    matched: list[Matched] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    duplicates: list[Matched] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def as_json(self) -> JSON:
        """The answer of the import endpoint (amounts as strings)."""

        def paid(item: Matched) -> JSON:
            return {
                "invoice_id": item.invoice_id,
                "payment_id": item.payment_id,
                "amount": str(item.amount),
                "currency": item.currency,
                "entry_reference": item.entry_reference,
            }

        return {
            "message": self.message,
            "matched": [paid(item) for item in self.matched],
            "unmatched": [
                {
                    "reference": item.reference,
                    "amount": str(item.amount),
                    "currency": item.currency,
                    "entry_reference": item.entry_reference,
                    "reason": item.reason,
                }
                for item in self.unmatched
            ],
            "duplicates": [paid(item) for item in self.duplicates],
            "skipped": [
                {"entry_index": s.entry_index, "entry_reference": s.entry_reference, "reason": s.reason}
                for s in self.skipped
            ],
        }


def received_at(booked: date | datetime) -> datetime:
    """When the money arrived: the booking time, or the start of the booking day, in UTC when the
    bank gave no zone."""
    moment = booked if isinstance(booked, datetime) else datetime.combine(booked, time())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _import_entry(
    conn: Connection,
    entry: CreditEntry,
    number: str | None,
    invoice: InvoiceT | None,
    record: RecordPayment[InvoiceT],
    result: ImportResult,
) -> None:
    def unmatched(reason: str) -> None:
        result.unmatched.append(
            Unmatched(entry.reference, entry.amount, entry.currency, entry.entry_reference, reason)
        )

    if number is None:
        return unmatched(
            "no structured reference" if entry.reference is None else "not one of our references"
        )
    if invoice is None:
        return unmatched(f"no invoice {number}")
    if invoice.currency != entry.currency:
        return unmatched(f"paid in {entry.currency}, invoice {number} is in {invoice.currency}")
    try:
        payment, created = await record(
            conn,
            invoice,
            entry.amount,
            entry.currency,
            str(PaymentMethod.BANK_TRANSFER),
            entry.entry_reference,
            received_at(entry.booked_at),
            entry.reference,
        )
    except DuplicateKey:
        raise  # the transaction is spoilt: the whole import is retried, never half-recorded
    except (Conflict, Unprocessable) as refused:
        return unmatched(f"invoice {number}: {refused.detail}")
    paid = Matched(invoice.id, payment.id, entry.amount, entry.currency, entry.entry_reference)
    (result.matched if created else result.duplicates).append(paid)
    return None


async def import_notification(
    conn: Connection,
    data: bytes,
    record: RecordPayment[InvoiceT],
    find_invoice: FindInvoice[InvoiceT],
    find_payments: FindPayments,
    max_bytes: int,
) -> ImportResult:
    """Records the payments of a camt.054/053 file's credit entries that name our invoices. The
    invoices are read (locked) in one round trip, and the payments recorded before (by the bank's
    entry references) in another; an invoice that a second entry of the file pays again is read
    again, as the first payment left it. ``record`` is called only for entries not recorded
    before (a concurrent import that records one first makes it a duplicate all the same)."""
    notification = read_notification(data, max_bytes=max_bytes)
    result = ImportResult(notification.message, skipped=list(notification.skipped))
    numbers = [number_of(e.reference) if e.reference is not None else None for e in notification.entries]
    found = await find_invoice(conn, sorted({n for n in numbers if n is not None}))
    known = await find_payments(conn, [e.entry_reference for e in notification.entries])
    paid: set[str] = set()
    for entry, number in zip(notification.entries, numbers, strict=True):
        if (before := known.get(entry.entry_reference)) is not None:
            result.duplicates.append(
                Matched(before.invoice_id, before.id, entry.amount, entry.currency, entry.entry_reference)
            )
            continue
        invoice = found.get(number) if number is not None else None
        if number is not None and invoice is not None and number in paid:
            invoice = (await find_invoice(conn, [number])).get(number)
        await _import_entry(conn, entry, number, invoice, record, result)
        if number is not None:
            paid.add(number)
    return result
