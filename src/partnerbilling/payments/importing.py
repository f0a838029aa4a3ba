"""Importing a bank notification (SPEC §9, §13, ``POST /v1/admin/payments/import``). Every credit
of a camt.054/053 file is recorded once, by its identity (:mod:`.camt_identity`), as what it is:
a payment of the invoice whose reference it quotes; a top-up of the account whose top-up
reference it quotes (entry ``top_up``); else an open receipt, with why. Importing a file again
records nothing new (``duplicates``).

The file is read and checked whole before anything is recorded, so a file that cannot be read
records nothing. Its credits are claimed in one statement (``bank_credits``): a credit another
import claimed first is a duplicate here, also when both run at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache

from partnerbilling.billing.references import number_of, top_up_of
from partnerbilling.db import utcnow
from partnerbilling.errors import Conflict, DuplicateKey, Unprocessable
from partnerbilling.invoices import repository as invoices
from partnerbilling.invoices.domain import Invoice
from partnerbilling.payments import credits, receipts, service
from partnerbilling.payments.camt import CreditEntry, read_notification
from partnerbilling.payments.credits import Outcome
from partnerbilling.payments.import_result import Duplicate, ImportResult, Kept, Matched, TopUp
from partnerbilling.sql import Connection
from partnerbilling.states import EntryKind, InvoiceKind, InvoiceStatus, PaymentMethod, ReceiptReason


def received_at(booked: date | datetime) -> datetime:
    """When the money arrived: the booking time, or the start of the booking day, in UTC when the
    bank gave no zone."""
    moment = booked if isinstance(booked, datetime) else datetime.combine(booked, time())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@lru_cache(maxsize=16384)
def _named(reference: str) -> tuple[str | None, tuple[int, str] | None]:
    """The invoice number and the top-up (number, currency) a reference names, each or None:
    read once per reference of a file (each is asked for three times)."""
    return number_of(reference), top_up_of(reference)


@dataclass(frozen=True, slots=True)
class _Targets:
    """What the file's references name: invoices by number (locked) and top-up owners."""

    invoices: dict[str, Invoice]
    owners: Mapping[int, str]


def _why_not(credit: CreditEntry, targets: _Targets) -> tuple[ReceiptReason, str] | None:
    """Why a credit pays none of our invoices or accounts; None if it does."""
    if credit.duplicate_of is not None:
        return (
            ReceiptReason.DUPLICATE_REFERENCE_IN_FILE,
            f"another credit of the file is {credit.duplicate_of}",
        )
    if credit.reference is None:
        return ReceiptReason.NO_REFERENCE, "no structured reference"
    number, top_up = _named(credit.reference)
    if top_up is not None and top_up[0] in targets.owners:
        if top_up[1] != credit.currency:
            return (
                ReceiptReason.CURRENCY_MISMATCH,
                f"paid in {credit.currency}, a {top_up[1]} top-up reference",
            )
        return None
    invoice = targets.invoices.get(number) if number is not None else None
    if invoice is None:
        return (
            ReceiptReason.UNKNOWN_REFERENCE,
            "not one of our references" if number is None else f"no invoice {number}",
        )
    if invoice.currency != credit.currency:
        return (
            ReceiptReason.CURRENCY_MISMATCH,
            f"paid in {credit.currency}, invoice {number} is in {invoice.currency}",
        )
    if invoice.status == InvoiceStatus.CREDITED or invoice.kind != InvoiceKind.INVOICE:
        return ReceiptReason.INVOICE_CREDITED, f"invoice {number} is {invoice.status}"
    return None


async def _targets(conn: Connection, found: list[CreditEntry]) -> _Targets:
    numbers = {n for c in found if c.reference and (n := _named(c.reference)[0]) is not None}
    tops = {t[0] for c in found if c.reference and (t := _named(c.reference)[1]) is not None}
    return _Targets(
        await invoices.by_numbers(conn, sorted(numbers)), await credits.top_up_owners(conn, sorted(tops))
    )


class _Recorder:
    """Records the claimed credits of one file, each as what it is, and notes the outcomes."""

    def __init__(self, conn: Connection, message_id: str, targets: _Targets, result: ImportResult) -> None:
        self.conn, self.message_id, self.targets, self.result = conn, message_id, targets, result
        self.outcomes: list[Outcome] = []
        self.paid: set[str] = set()

    async def record(self, credit: CreditEntry) -> None:
        why = _why_not(credit, self.targets)
        number, top_up = _named(credit.reference) if credit.reference is not None else (None, None)
        if why is None and top_up is not None:
            return await self._top_up(credit, self.targets.owners[top_up[0]])
        if why is None:
            assert number is not None
            why = await self._pay(credit, number)
        if why is not None:
            await self._keep(credit, *why)
        return None

    async def _pay(self, credit: CreditEntry, number: str) -> tuple[ReceiptReason, str] | None:
        invoice = self.targets.invoices[number]
        if number in self.paid:  # paid before by this file: read as that payment left it
            invoice = (await invoices.by_numbers(self.conn, [number]))[number]
        try:
            payment, _ = await service.record_transfer(
                self.conn, invoice, credit.amount, credit.currency, str(PaymentMethod.BANK_TRANSFER),
                credit.entry_reference, received_at(credit.booked_at), credit.reference,
            )  # fmt: skip
        except DuplicateKey:
            raise  # the transaction is spoilt: the whole import is retried, never half-recorded
        except Conflict as refused:
            return ReceiptReason.INVOICE_CREDITED, f"invoice {number}: {refused.detail}"
        except Unprocessable as refused:
            return ReceiptReason.PAYMENT_REFUSED, f"invoice {number}: {refused.detail}"
        self.paid.add(number)
        self.result.matched.append(Matched(invoice.id, payment.id, credit))
        self.outcomes.append(Outcome(credit.entry_reference, "payment", invoice.id, payment.id))
        return None

    async def _top_up(self, credit: CreditEntry, org_id: str) -> None:
        what = f"Top-up by bank transfer {credit.entry_reference}"
        entry = await service.credit_account(
            self.conn, org_id, credit.currency, credit.amount, EntryKind.TOP_UP, what, utcnow()
        )
        self.result.top_ups.append(TopUp(org_id, entry.id, credit))
        self.outcomes.append(Outcome(credit.entry_reference, "top_up", entry_id=entry.id))

    async def _keep(self, credit: CreditEntry, reason: ReceiptReason, detail: str) -> None:
        receipt = await receipts.keep_receipt(
            self.conn, credit, reason, received_at(credit.booked_at), self.message_id
        )
        self.result.unmatched.append(Kept(receipt.id, reason, detail, credit))
        self.outcomes.append(Outcome(credit.entry_reference, "receipt", receipt_id=receipt.id))


async def import_notification(conn: Connection, data: bytes, max_bytes: int) -> ImportResult:
    """Records each credit of a camt.054/053 file once: a payment, a top-up or a receipt."""
    notification = read_notification(data, max_bytes=max_bytes)
    result = ImportResult(notification.message, notification.message_id, skipped=list(notification.skipped))
    found = list(notification.entries)
    ids = [c.entry_reference for c in found]
    claimed = await credits.claim(conn, ids, notification.message_id, utcnow())
    before = await credits.recorded(conn, [i for i in ids if i not in claimed])
    fresh = [c for c in found if c.entry_reference in claimed]
    recorder = _Recorder(conn, notification.message_id, await _targets(conn, fresh), result)
    for credit in found:
        if credit.entry_reference in claimed:
            await recorder.record(credit)
        else:
            result.duplicates.append(Duplicate(before[credit.entry_reference], credit))
    await credits.settle(conn, recorder.outcomes)
    return result
