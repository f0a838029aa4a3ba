"""Payouts: an organisation withdraws from its balance to its payout IBAN, or cancels that while
it is requested; the bank (or the platform) completes them, or fails them and the amount comes
back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from partnerbilling.accounts import repository as accounts
from partnerbilling.accounts.service import InsufficientBalance, Movement, move, refuse_negative
from partnerbilling.billing.money import format_money
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import NotFound, Unprocessable, ValidationFailed
from partnerbilling.events import repository as events
from partnerbilling.events.domain import NewEvent
from partnerbilling.events.schemas import EventType
from partnerbilling.organizations import repository as organizations
from partnerbilling.payouts import repository
from partnerbilling.payouts.domain import MINIMUM_PAYOUT, Payout
from partnerbilling.payouts.schemas import PayoutCreate
from partnerbilling.sql import Connection
from partnerbilling.states import PAYOUT, EntryKind, PayoutStatus
from partnerbilling.visibility import payout_view


class PayoutAccountMissing(Unprocessable):
    code, title = "payout_account_missing", "The organisation has no payout IBAN"


class PayoutOverBalance(Unprocessable):
    """More than the balance (SPEC §9: 422); the same code as paying an invoice from too small a
    balance, whose answer is a 409."""

    code, title = "insufficient_balance", "The balance does not cover this payout"


def _refused(field: str, detail: str) -> ValidationFailed:
    return ValidationFailed(detail, errors=[{"loc": ["body", field], "msg": detail}])


async def request_payout(conn: Connection, org_id: str, body: PayoutCreate) -> Payout:
    """Take ``amount`` off the balance at once (a ``payout`` entry) and record the payout to the
    organisation's payout IBAN, in its holder's legal name of this moment."""
    await refuse_negative(conn, org_id, body.currency)  # SPEC §13: before any other check
    org = await organizations.get(conn, org_id)
    assert org is not None  # the caller's own organisation
    if org.payout_iban is None:
        raise PayoutAccountMissing("Set payout_iban on your organisation (PATCH /v1/organizations/me) first.")
    if body.amount < MINIMUM_PAYOUT:
        raise _refused("amount", f"A payout is at least {format_money(MINIMUM_PAYOUT)}.")
    if body.currency not in {b.currency for b in await accounts.balances(conn, org_id)}:
        raise _refused("currency", f"You have no {body.currency} account to pay out from.")
    now = utcnow()
    payout = Payout(
        id=new_id("po"),
        org_id=org_id,
        currency=body.currency,
        amount=body.amount,
        iban=org.payout_iban,
        account_holder=org.legal_name or org.name,
        status=PayoutStatus.REQUESTED,
        created_at=now,
        updated_at=now,
    )
    await repository.add(conn, payout)
    # The ledger refuses an amount over the balance, serialised with every other debit of that
    # balance; the request's transaction then drops the payout too. SPEC §9 answers it as an
    # invalid amount (422), naming it.
    try:
        await move(
            conn, org_id, payout.currency, -payout.amount, EntryKind.PAYOUT, f"Payout {payout.id}", now,
            Movement(payout_id=payout.id),
        )  # fmt: skip
    except InsufficientBalance as short:
        raise PayoutOverBalance(
            short.detail, errors=[{"loc": ["body", "amount"], "msg": "is more than the balance"}]
        ) from None
    data = payout_view(org_id, payout)
    assert data is not None
    await events.record(conn, [NewEvent(org_id, EventType.PAYOUT_REQUESTED, data)], now)
    return payout


async def complete_payout(conn: Connection, payout_id: str) -> Payout:
    """The bank paid it out: ``completed`` (only from ``in_transit``)."""
    return await _decide(conn, payout_id, PayoutStatus.COMPLETED)


async def fail_payout(conn: Connection, payout_id: str) -> Payout:
    """The bank could not pay it out: ``failed`` (from ``requested`` or ``in_transit``), the
    amount back on the balance (``payout_returned``)."""
    return await _decide(conn, payout_id, PayoutStatus.FAILED)


async def cancel_payout(conn: Connection, org_id: str, payout_id: str) -> Payout:
    """The organisation withdraws its request before a batch took it: ``cancelled``, the amount
    back on the balance (``payout_returned``). Another organisation's payout is a 404."""
    payout = await repository.get(conn, payout_id, for_update=True)
    if payout is None or payout_view(org_id, payout) is None:
        raise NotFound("No such payout.")
    return await move_payout(conn, payout, PayoutStatus.CANCELLED, utcnow())


async def _decide(conn: Connection, payout_id: str, target: PayoutStatus) -> Payout:
    payout = await repository.get(conn, payout_id, for_update=True)
    if payout is None:
        raise NotFound("No such payout.")
    return await move_payout(conn, payout, target, utcnow())


_RETURNS = {PayoutStatus.FAILED: "failed", PayoutStatus.CANCELLED: "cancelled"}
_TOLD = {
    PayoutStatus.COMPLETED: EventType.PAYOUT_COMPLETED,
    PayoutStatus.FAILED: EventType.PAYOUT_FAILED,
    PayoutStatus.CANCELLED: EventType.PAYOUT_CANCELLED,
}


async def move_payout(conn: Connection, payout: Payout, target: PayoutStatus, now: datetime) -> Payout:
    """Move a payout its caller locked to ``target`` (409 ``invalid_state`` if it may not go
    there); a failed or cancelled one gives its amount back (``payout_returned``). Its
    organisation is told."""
    moved, told = await _move(conn, payout, target, now)
    await events.record(conn, [told], now)
    return moved


async def settle_payouts(
    conn: Connection, payouts: Sequence[Payout], target: PayoutStatus, now: datetime
) -> list[Payout]:
    """Move the payouts their caller locked that may go to ``target`` (the others are left as
    they are: a bank's answer read twice changes nothing), in one statement, and their events in
    another; the returns are booked in the order of their accounts (the ledger's lock order)."""
    movable = [p.id for p in payouts if PAYOUT.may_move(p.status, target)]
    moved = sorted(
        await repository.set_statuses(conn, movable, target, now), key=lambda p: (p.org_id, p.currency, p.id)
    )
    if target in _RETURNS:
        for payout in moved:
            await _return(conn, payout, target, now)
    await events.record(conn, [_told(payout, target) for payout in moved], now)
    return moved


async def _move(
    conn: Connection, payout: Payout, target: PayoutStatus, now: datetime
) -> tuple[Payout, NewEvent]:
    PAYOUT.check(payout.status, target)
    payout = await repository.set_status(conn, payout.id, target, now)
    if target in _RETURNS:
        await _return(conn, payout, target, now)
    return payout, _told(payout, target)


async def _return(conn: Connection, payout: Payout, target: PayoutStatus, now: datetime) -> None:
    await move(
        conn, payout.org_id, payout.currency, payout.amount, EntryKind.PAYOUT_RETURNED,
        f"Payout {payout.id} {_RETURNS[target]}", now, Movement(payout_id=payout.id),
    )  # fmt: skip


def _told(payout: Payout, target: PayoutStatus) -> NewEvent:
    data = payout_view(payout.org_id, payout)
    assert data is not None
    return NewEvent(payout.org_id, _TOLD[target], data)


async def load_visible(conn: Connection, org_id: str, payout_id: str) -> Payout:
    """One of the caller's payouts, or 404 (another organisation's too)."""
    payout = await repository.get(conn, payout_id)
    if payout is None or payout_view(org_id, payout) is None:
        raise NotFound("No such payout.")
    return payout
