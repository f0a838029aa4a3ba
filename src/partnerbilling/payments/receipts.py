"""Unapplied receipts (SPEC §13): money received that paid none of our invoices is kept, never
lost, until the platform applies it — as a payment of an invoice (§9's rules, the same
:func:`~partnerbilling.payments.service.record_payment`) or to an organisation's account (entry
``receipt``) — or returns it to the sender (nothing in the books). Each happens once: the
receipt's row is locked and must still be open (else 409 ``receipt_not_open``)."""

from __future__ import annotations

from datetime import datetime

from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import Conflict, NotFound
from partnerbilling.events import repository as events
from partnerbilling.events.domain import NewEvent
from partnerbilling.events.schemas import EventType
from partnerbilling.organizations import repository as organizations
from partnerbilling.payments import receipts_repository as repository
from partnerbilling.payments import service
from partnerbilling.payments.camt import CreditEntry
from partnerbilling.payments.domain import Receipt
from partnerbilling.sql import Connection
from partnerbilling.states import EntryKind, PaymentMethod, ReceiptReason, ReceiptStatus
from partnerbilling.visibility import receipt_view


class ReceiptNotOpen(Conflict):
    code, title = "receipt_not_open", "The receipt was applied or returned already"


async def _told(conn: Connection, event: EventType, receipt: Receipt, at: datetime) -> None:
    """The platform's own log: a receipt may be nobody's money yet, so no organisation is told."""
    await events.record_platform(conn, NewEvent(None, event, receipt_view(None, receipt) or {}), at)


async def keep_receipt(
    conn: Connection, credit: CreditEntry, reason: ReceiptReason, received_at: datetime, message_id: str
) -> Receipt:
    """Record a credit of a bank file that paid none of our invoices as an open receipt."""
    now = utcnow()
    receipt = Receipt(
        new_id("rcp"), credit.entry_reference, received_at, credit.amount, credit.currency,
        credit.reference, credit.debtor_name, credit.debtor_iban, credit.remittance, reason,
        ReceiptStatus.OPEN, message_id, None, None, None, None, None, now, now,
    )  # fmt: skip
    await repository.add(conn, receipt)
    await _told(conn, EventType.RECEIPT_RECEIVED, receipt, now)
    return receipt


async def _open(conn: Connection, receipt_id: str) -> Receipt:
    receipt = await repository.get(conn, receipt_id, lock=True)
    if receipt is None:
        raise NotFound("No such receipt.")
    if receipt.status != ReceiptStatus.OPEN:
        raise ReceiptNotOpen(
            f"The receipt is {receipt.status}; it can be applied or returned only while open."
        )
    return receipt


async def apply_to_invoice(conn: Connection, receipt_id: str, invoice_id: str) -> Receipt:
    """The receipt pays the invoice, as a bank transfer received when the money arrived: what
    is due first, the rest to the payer's account (``overpayment``)."""
    receipt = await _open(conn, receipt_id)
    payment, _ = await service.record_payment(
        conn, invoice_id, receipt.amount, receipt.currency, PaymentMethod.BANK_TRANSFER,
        receipt.credit_id, receipt.received_at, receipt.reference,
    )  # fmt: skip
    now = utcnow()
    applied = await repository.close(
        conn, receipt.id, ReceiptStatus.APPLIED, now, invoice_id=payment.invoice_id, payment_id=payment.id
    )
    await _told(conn, EventType.RECEIPT_APPLIED, applied, now)
    return applied


async def apply_to_account(conn: Connection, receipt_id: str, org_id: str) -> Receipt:
    """The receipt is credited to the organisation's account in its currency (entry ``receipt``)."""
    receipt = await _open(conn, receipt_id)
    if await organizations.get(conn, org_id) is None:
        raise NotFound("No such organization.")
    now = utcnow()
    what = f"Bank receipt {receipt.credit_id}"
    entry = await service.credit_account(
        conn, org_id, receipt.currency, receipt.amount, EntryKind.RECEIPT, what, now
    )
    applied = await repository.close(
        conn, receipt.id, ReceiptStatus.APPLIED, now, org_id=org_id, entry_id=entry.id
    )
    await _told(conn, EventType.RECEIPT_APPLIED, applied, now)
    return applied


async def return_receipt(conn: Connection, receipt_id: str, reason: str) -> Receipt:
    """The money is sent back to whoever sent it: the receipt is closed, nothing in the books."""
    receipt = await _open(conn, receipt_id)
    now = utcnow()
    returned = await repository.close(conn, receipt.id, ReceiptStatus.RETURNED, now, return_reason=reason)
    await _told(conn, EventType.RECEIPT_RETURNED, returned, now)
    return returned
