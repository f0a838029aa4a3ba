"""Invoices and credit notes: issued to the payer, paid, credited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling import exports
from partnerbilling.accounts import repository as accounts
from partnerbilling.accounts.service import Movement, move
from partnerbilling.billing.credit import plan_credit_note
from partnerbilling.billing.domain import CashbackEntry, InvoiceDocument, PlannedEvent
from partnerbilling.billing.issue import numbered
from partnerbilling.cashback import repository as cashback
from partnerbilling.db import new_id, utcnow
from partnerbilling.documents.domain import Document
from partnerbilling.errors import InvalidState, NotFound
from partnerbilling.events.schemas import EventType
from partnerbilling.events.service import emit_many
from partnerbilling.exports import Period, stream_csv
from partnerbilling.invoices import export, repository
from partnerbilling.invoices.documents import issued_xml, renderable
from partnerbilling.invoices.domain import ExportedInvoice, Invoice
from partnerbilling.issuer import repository as issuer
from partnerbilling.mail.messages import invoice_mail
from partnerbilling.orders import repository as orders
from partnerbilling.payments import repository as payments
from partnerbilling.sql import Connection
from partnerbilling.states import (
    INVOICE,
    SUBSCRIPTION,
    CashbackStatus,
    EntryKind,
    InvoiceKind,
    InvoiceStatus,
    SubscriptionStatus,
)
from partnerbilling.subscriptions import repository as subscriptions
from partnerbilling.visibility import cashback_entry_view, invoice_view, subscription_view


async def issue_invoice(
    conn: Connection, invoice: InvoiceDocument, credited_number: str | None = None
) -> InvoiceDocument:
    """Number an invoice or credit note, copy its seller, due date and payment reference onto
    it, store it, announce it to its payer (``invoice.issued``, the payer's view) and e-mail it
    with its PDF (``credited_number``: a credit note's invoice); returns the stored document.
    Last in its transaction: the number locks the year's counter until commit."""
    taken = await repository.take_number(conn)
    issued = numbered(
        invoice, taken.year, taken.last_number, taken.at, taken.seller, ZoneInfo(taken.time_zone)
    )
    announcement = invoice_view(None, issued)
    assert announcement is not None
    # A document issued without an issuer has no PDF to send.
    mail = invoice_mail(issued, credited_number) if issued.seller is not None else None
    await repository.insert(conn, issued, announcement, mail)
    return issued


def document_of(row: Invoice) -> InvoiceDocument:
    """An invoice or credit note row as the document it issued."""
    return InvoiceDocument(
        row.id, row.kind, row.credits_invoice_id, row.payer_id, row.customer_id, row.order_id,
        row.currency, row.lines, row.subtotal, row.tax_rate, row.tax, row.total, row.status,
        row.reason, row.issued_at, row.buyer, row.number, row.paid_at, row.seller, row.due_at,
        row.payment_reference, row.issue_date, row.due_date,
    )  # fmt: skip


async def load_visible(conn: Connection, viewer: str, invoice_id: str) -> Invoice:
    """An invoice or credit note the viewer (its payer) may see, or 404."""
    invoice = await repository.get(conn, invoice_id)
    if invoice is None or invoice_view(viewer, invoice) is None:
        raise NotFound("No such invoice.")
    return invoice


async def load_document(conn: Connection, viewer: str, invoice_id: str) -> Document:
    """The document of an invoice or credit note the viewer (its payer) may see, in its state
    now (what was paid), or 404; 409 if it was issued without an issuer."""
    invoice = await load_visible(conn, viewer, invoice_id)
    credited = None
    if invoice.credits_invoice_id is not None:
        credited = await repository.get(conn, invoice.credits_invoice_id)
    paid = await payments.of_invoice(conn, invoice.id) if invoice.amount_paid else []
    return renderable(invoice, credited, paid, await issuer.zone(conn))


async def load_issued_xml(conn: Connection, viewer: str, invoice_id: str) -> tuple[str, bytes]:
    """The number and the XML as issued (:func:`issued_xml`) of a document the viewer (its payer)
    may see, or 404; 409 if it was issued without an issuer."""
    invoice = await load_visible(conn, viewer, invoice_id)
    credited = None
    if invoice.credits_invoice_id is not None:
        credited = await repository.get(conn, invoice.credits_invoice_id)
    return invoice.number, issued_xml(invoice, credited)


async def load_for_platform(conn: Connection, invoice_id: str) -> Invoice:
    invoice = await repository.get(conn, invoice_id, lock=True)
    if invoice is None:
        raise NotFound("No such invoice.")
    return invoice


async def credit_invoice(conn: Connection, invoice_id: str, reason: str) -> InvoiceDocument:
    """Issue a credit note for the whole invoice: the invoice becomes credited, its cashback
    reversed and its subscription cancelled."""
    invoice = await load_for_platform(conn, invoice_id)
    if invoice.kind != InvoiceKind.INVOICE or not INVOICE.may_move(invoice.status, InvoiceStatus.CREDITED):
        raise InvalidState("Only an issued or paid invoice can be credited, and only once.")
    now = utcnow()
    # The subscription, the balances, then the number counter: the order a renewal takes them
    # in, so that a credit note and a renewal of the same subscription cannot deadlock; the
    # balances in their global order.
    order = await orders.get(conn, invoice.order_id)
    sub_id = order.subscription_id if order else None
    ended = sub_id is not None and await _cancel_subscription(conn, sub_id, now)
    await accounts.lock_of_invoice(conn, invoice.id, now)
    credited = await repository.set_status(conn, invoice.id, InvoiceStatus.CREDITED)
    entries = await cashback.move_of_invoice(conn, invoice.id, CashbackStatus.REVERSED, now)
    await _return_money(conn, invoice, entries, now)
    note = plan_credit_note(document_of(invoice), new_id("inv"), reason, now)
    cancelled = await subscriptions.get(conn, sub_id) if sub_id is not None and ended else None
    batch = [
        PlannedEvent(EventType.INVOICE_CREDITED, (credited.payer_id,), lambda v: invoice_view(v, credited))
    ]
    for entry in entries:
        batch.append(_reversed(entry))
    if cancelled is not None:
        batch.append(
            PlannedEvent(
                EventType.SUBSCRIPTION_CANCELLED,
                (cancelled.customer_id, cancelled.active_partner_id),
                lambda v: subscription_view(v, cancelled, cancelled.active_partner_id),
            )
        )
    await emit_many(conn, batch, now)
    return await issue_invoice(conn, note, invoice.number)


def _reversed(entry: CashbackEntry) -> PlannedEvent:
    return PlannedEvent(
        EventType.CASHBACK_REVERSED, (entry.partner_id,), lambda v: cashback_entry_view(v, entry)
    )


async def _return_money(
    conn: Connection, invoice: Invoice, entries: list[CashbackEntry], now: datetime
) -> None:
    """The money of a credited invoice, before its credit note takes the number (which every
    charge waits for): what was paid goes back to the payer's account (``refund``); a cashback
    that was available (the invoice was paid) leaves the partner's (``cashback_reversal``)."""
    if invoice.amount_paid > 0:
        what, about = f"Refund of invoice {invoice.number}", Movement(invoice_id=invoice.id)
        await move(
            conn, invoice.payer_id, invoice.currency, invoice.amount_paid, EntryKind.REFUND, what, now, about
        )
    for entry in entries:
        if invoice.status == InvoiceStatus.PAID and entry.amount > 0:
            what, about = f"Cashback on order {entry.order_id} reversed", Movement(cashback_entry_id=entry.id)
            kind = EntryKind.CASHBACK_REVERSAL
            await move(conn, entry.partner_id, entry.currency, -entry.amount, kind, what, now, about)


async def _cancel_subscription(conn: Connection, subscription_id: str, now: datetime) -> bool:
    """Cancel the subscription if its lifecycle allows it; true if it did."""
    sub = await subscriptions.get(conn, subscription_id, lock=True)
    if sub is None or not SUBSCRIPTION.may_move(sub.status, SubscriptionStatus.CANCELLED):
        return False
    await subscriptions.change(
        conn,
        sub.id,
        {
            "status": SubscriptionStatus.CANCELLED,
            "auto_renew": False,
            "cancelled_at": now,
            # Its invoice is credited: no dunning puts it at risk any more.
            "at_risk_since": None,
            "suspends_at": None,
        },
    )
    return True


async def export_invoices(
    conn: Connection, engine: AsyncEngine, payer_id: str, period: Period
) -> AsyncIterator[bytes]:
    """The payer's invoices and credit notes issued in ``period`` as CSV, oldest first, one row
    per line (SPEC §12), read in batches as the file is sent."""

    async def read(batch_conn: Connection, after: tuple[datetime, str]) -> list[ExportedInvoice]:
        return await repository.export_batch(batch_conn, payer_id, period.end, after, exports.BATCH_SIZE)

    return await stream_csv(
        conn, engine, period, export.HEADER, read, lambda inv: export.invoice_rows(payer_id, inv)
    )
