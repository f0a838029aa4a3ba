"""Payouts: an organisation withdraws from its balance to its payout IBAN; the platform completes
them, or fails them and the amount comes back."""

from __future__ import annotations

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
    await _tell(conn, EventType.PAYOUT_REQUESTED, payout)
    return payout


async def complete_payout(conn: Connection, payout_id: str) -> Payout:
    """The bank paid it out: ``completed`` (only from ``requested``)."""
    return await _decide(conn, payout_id, PayoutStatus.COMPLETED)


async def fail_payout(conn: Connection, payout_id: str) -> Payout:
    """The bank could not pay it out: ``failed`` (only from ``requested``), the amount back on the
    balance (``payout_returned``)."""
    return await _decide(conn, payout_id, PayoutStatus.FAILED)


async def _decide(conn: Connection, payout_id: str, target: PayoutStatus) -> Payout:
    payout = await repository.get(conn, payout_id, for_update=True)
    if payout is None:
        raise NotFound("No such payout.")
    PAYOUT.check(payout.status, target)
    now = utcnow()
    payout = await repository.set_status(conn, payout_id, target, now)
    if target is PayoutStatus.FAILED:
        await move(
            conn, payout.org_id, payout.currency, payout.amount, EntryKind.PAYOUT_RETURNED,
            f"Payout {payout.id} failed", now, Movement(payout_id=payout.id),
        )  # fmt: skip
        await _tell(conn, EventType.PAYOUT_FAILED, payout)
    else:
        await _tell(conn, EventType.PAYOUT_COMPLETED, payout)
    return payout


async def _tell(conn: Connection, event_type: EventType, payout: Payout) -> None:
    data = payout_view(payout.org_id, payout)
    assert data is not None
    await events.record(conn, [NewEvent(payout.org_id, event_type, data)], payout.updated_at)


async def load_visible(conn: Connection, org_id: str, payout_id: str) -> Payout:
    """One of the caller's payouts, or 404 (another organisation's too)."""
    payout = await repository.get(conn, payout_id)
    if payout is None or payout_view(org_id, payout) is None:
        raise NotFound("No such payout.")
    return payout
