"""Recording payments (SPEC §9): every way money reaches an invoice — the platform's records,
the bank's notifications, the payer's own balance — goes through :func:`record_payment` or
:func:`pay_from_balance`, which share one way of applying it."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from partnerbilling.accounts import repository as accounts
from partnerbilling.accounts.domain import AccountEntry
from partnerbilling.accounts.service import InsufficientBalance, Movement, move, refuse_negative
from partnerbilling.billing.domain import View
from partnerbilling.billing.payments import from_balance, split_payment
from partnerbilling.cashback import repository as cashback
from partnerbilling.cashback.domain import CashbackEntry
from partnerbilling.db import new_id, utcnow
from partnerbilling.dunning import settlement as dunning
from partnerbilling.errors import InvalidState, NotFound, ValidationFailed
from partnerbilling.events.schemas import EventType
from partnerbilling.events.service import emit, emit_many
from partnerbilling.invoices import repository as invoices
from partnerbilling.invoices.domain import Invoice
from partnerbilling.payments import repository
from partnerbilling.payments.domain import Payment
from partnerbilling.sql import Connection
from partnerbilling.states import CashbackStatus, EntryKind, InvoiceKind, InvoiceStatus, PaymentMethod
from partnerbilling.visibility import cashback_entry_view, invoice_view, payment_view, rfc3339

# How far ahead of ours the clock of whoever reports a payment may run.
CLOCK_SKEW = timedelta(minutes=5)


class WrongCurrency(ValidationFailed):
    """A payment in another currency than its invoice's (422, ``loc`` the currency)."""


def _refused(detail: str, field: str) -> ValidationFailed:
    return ValidationFailed(detail, errors=[{"loc": ["body", field], "msg": detail}])


async def _locked(conn: Connection, invoice: str | Invoice) -> Invoice:
    if not isinstance(invoice, str):
        return invoice  # read locked (``lock=True``) by the caller, in this transaction
    found = await invoices.get(conn, invoice, lock=True)
    if found is None:
        raise NotFound("No such invoice.")
    return found


def _payable(invoice: Invoice) -> None:
    """A payment may be recorded for an issued or paid invoice (409 for anything else)."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.status == InvoiceStatus.CREDITED:
        raise InvalidState(f"A {invoice.status} {invoice.kind} takes no payment.")


async def record_payment(
    conn: Connection,
    invoice: str | Invoice,
    amount: Decimal,
    currency: str,
    method: PaymentMethod,
    external_id: str | None,
    received_at: datetime,
    reference: str | None = None,
    *,
    looked_up: bool = False,
) -> tuple[Payment, bool]:
    """Record money received for an invoice (its id, or the row read locked by the caller):
    ``(payment, True)``; or, for an ``external_id`` recorded already, ``(that payment, False)``
    and nothing new. What is due is paid first; the rest goes to the payer's account
    (``overpayment``). Refuses another currency (422), a credited invoice or a credit note (409)
    and a payment received in the future (422)."""
    locked = await _locked(conn, invoice)
    if external_id is not None and not looked_up:  # looked_up: the caller found none before
        existing = await repository.by_external_id(conn, external_id)
        if existing is not None:
            return existing, False
    if currency != locked.currency:
        raise WrongCurrency(
            f"The invoice is in {locked.currency}, the payment in {currency}.",
            errors=[{"loc": ["body", "currency"], "msg": f"the invoice is in {locked.currency}"}],
        )
    _payable(locked)
    now = utcnow()
    if received_at > now + CLOCK_SKEW:
        raise _refused("received_at: the payment time is in the future.", "received_at")
    return await _apply(conn, locked, amount, method, external_id, received_at, reference, now)


async def record_transfer(
    conn: Connection,
    invoice: Invoice,
    amount: Decimal,
    currency: str,
    method: str,
    external_id: str,
    received_at: datetime,
    reference: str | None,
    /,
) -> tuple[Payment, bool]:
    """:func:`record_payment` as the bank-file import calls it
    (:class:`partnerbilling.payments.importing.RecordPayment`), with the invoice it read locked."""
    return await record_payment(
        conn, invoice, amount, currency, PaymentMethod(method), external_id, received_at, reference,
        looked_up=True,
    )  # fmt: skip


async def credit_account(
    conn: Connection,
    org_id: str,
    currency: str,
    amount: Decimal,
    kind: EntryKind,
    description: str,
    at: datetime,
) -> AccountEntry:
    """Money received for an organisation's account rather than an invoice (a top-up, a receipt
    the platform applied to it): one entry, and the organisation is told."""
    return await move(conn, org_id, currency, amount, kind, description, at)


async def pay_from_balance(conn: Connection, viewer: str, invoice_id: str, partial: bool) -> Invoice:
    """The payer pays what is due from its balance in the invoice's currency (``partial``: as
    much as the balance covers); 409 ``insufficient_balance`` if it pays nothing."""
    invoice = await invoices.get(conn, invoice_id, lock=True)
    if invoice is None or invoice_view(viewer, invoice) is None:
        raise NotFound("No such invoice.")
    now = utcnow()
    await _lock_accounts(conn, invoice, now)
    await refuse_negative(conn, invoice.payer_id, invoice.currency)
    _payable(invoice)
    due = invoice.amount_due
    if due == 0:
        raise InvalidState("Nothing is due on this invoice.")
    balance = await accounts.balance(conn, invoice.payer_id, invoice.currency)
    amount = from_balance(due, balance, partial=partial)
    if amount is None:
        raise InsufficientBalance(f"The {invoice.currency} balance ({balance}) does not cover {due}.")
    await _apply(conn, invoice, amount, PaymentMethod.BALANCE, None, now, None, now)
    paid = await invoices.get(conn, invoice.id)
    assert paid is not None
    return paid


async def auto_pay(conn: Connection, invoice_id: str) -> Payment | None:
    """Pay a just issued invoice from its payer's balance if that covers it wholly (the caller
    locked the balance before the invoice was numbered); else leave it alone (None)."""
    invoice = await _locked(conn, invoice_id)
    balance = await accounts.balance(conn, invoice.payer_id, invoice.currency)
    amount = from_balance(invoice.amount_due, balance, partial=False)
    if amount is None:
        return None
    now = utcnow()
    payment, _ = await _apply(conn, invoice, amount, PaymentMethod.BALANCE, None, now, None, now)
    return payment


async def pay_what_is_due(conn: Connection, invoice_id: str, paid_at: datetime | None) -> Invoice:
    """The platform says the invoice is paid: a payment of what is due (method ``other``)."""
    invoice = await _locked(conn, invoice_id)
    due = invoice.amount_due
    if due == 0:
        raise InvalidState(f"Only an issued invoice can be paid; this one is {invoice.status}.")
    now = utcnow()
    received_at = _payment_time(paid_at, invoice.issued_at, now)
    await _apply(conn, invoice, due, PaymentMethod.OTHER, None, received_at, None, now)
    paid = await invoices.get(conn, invoice.id)
    assert paid is not None
    return paid


async def invoice_with_payments(
    conn: Connection, viewer: str, invoice_id: str
) -> tuple[Invoice, list[Payment]]:
    """An invoice its payer (``viewer``) may see, with its payments; else 404."""
    invoice = await invoices.get(conn, invoice_id)
    if invoice is None or invoice_view(viewer, invoice) is None:
        raise NotFound("No such invoice.")
    return invoice, await repository.of_invoice(conn, invoice.id)


async def _lock_accounts(conn: Connection, invoice: Invoice, now: datetime) -> None:
    """Before the first balance of a payment moves: the subscription it may reactivate, then
    every account it may move (the payer's, its cashback partner's) in the global order of
    balance locks; a renewal takes a subscription and balances in the same order."""
    await dunning.lock_at_stake(conn, invoice)
    await accounts.lock_of_invoice(conn, invoice.id, now)


async def _apply(
    conn: Connection,
    invoice: Invoice,
    amount: Decimal,
    method: PaymentMethod,
    external_id: str | None,
    received_at: datetime,
    reference: str | None,
    now: datetime,
) -> tuple[Payment, bool]:
    """Write a payment of the locked ``invoice``: the payment (unless its external id exists:
    that one, nothing written), the balance debit of a payment from the balance, the invoice's
    new amount paid (and status), the overpayment, the events, and if it completes the invoice,
    the cashback that becomes available."""
    await _lock_accounts(conn, invoice, now)
    split = split_payment(amount, invoice.amount_due)
    payment = Payment(
        new_id("pay"), invoice.id, invoice.payer_id, invoice.currency, amount, split.applied,
        method, external_id, reference, received_at, now,
    )  # fmt: skip
    if not await repository.add(conn, payment):
        assert external_id is not None  # only an external id conflicts
        existing = await repository.by_external_id(conn, external_id)
        assert existing is not None  # the conflicting payment committed
        return existing, False
    about = Movement(invoice_id=invoice.id, payment_id=payment.id)
    payer, currency = invoice.payer_id, invoice.currency
    if method == PaymentMethod.BALANCE:
        await move(
            conn, payer, currency, -amount, EntryKind.INVOICE_PAYMENT, f"Invoice {invoice.number}", now, about
        )
    paid = invoice
    if split.applied > 0:
        paid_at = max(received_at, invoice.issued_at) if split.completes else None
        paid = await invoices.add_paid(conn, invoice.id, split.applied, paid_at)
    if split.overpaid > 0:
        what = f"Overpayment of invoice {invoice.number}"
        await move(conn, payer, currency, split.overpaid, EntryKind.OVERPAYMENT, what, now, about)
    told: list[tuple[EventType, list[str | None], View]] = [
        (EventType.PAYMENT_RECEIVED, [payer], lambda v: payment_view(v, payment))
    ]
    if split.completes:
        told.append((EventType.INVOICE_PAID, [paid.payer_id], lambda v: invoice_view(v, paid)))
    await emit_many(conn, told, now)
    if split.completes:
        await _completed(conn, paid, now)
    return payment, True


async def _completed(conn: Connection, paid: Invoice, now: datetime) -> None:
    """The invoice is paid (its payer was told, with the payment): a subscription dunning
    suspended is active again (:mod:`partnerbilling.dunning.settlement`); its order's cashback becomes
    available and is credited to the partner's account (once: the ledger refuses a second such
    entry)."""
    reactivated = await dunning.settled(conn, paid)
    if reactivated:
        await emit_many(conn, reactivated, now)
    # The cashback of each order it bills (a monthly invoice bills many: SPEC §15).
    for entry in await cashback.move_of_invoice(conn, paid.id, CashbackStatus.AVAILABLE, now):
        await _cashback_available(conn, entry, now)


async def _cashback_available(conn: Connection, entry: CashbackEntry, now: datetime) -> None:
    await emit(
        conn, EventType.CASHBACK_AVAILABLE, [entry.partner_id], lambda v: cashback_entry_view(v, entry), now
    )
    if entry.amount > 0:
        what = f"Cashback on order {entry.order_id}"
        about = Movement(cashback_entry_id=entry.id)
        await move(conn, entry.partner_id, entry.currency, entry.amount, EntryKind.CASHBACK, what, now, about)


def _payment_time(paid_at: datetime | None, issued_at: datetime, now: datetime) -> datetime:
    """When the money arrived: ``paid_at`` (default now), not before the invoice was issued and
    not in the future."""
    if paid_at is None:
        return now
    if paid_at < issued_at:
        why = f"before the invoice was issued ({rfc3339(issued_at)})"
    elif paid_at > now + CLOCK_SKEW:
        why = "in the future"
    else:
        return paid_at
    raise ValidationFailed(
        f"paid_at: the payment time is {why}.", errors=[{"loc": ["body", "paid_at"], "msg": f"is {why}"}]
    )
