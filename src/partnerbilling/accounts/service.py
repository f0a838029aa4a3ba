"""Moving money on an account: every movement one immutable entry, written with its balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from partnerbilling.accounts import repository
from partnerbilling.accounts.domain import AccountEntry
from partnerbilling.billing.money import format_money
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import Conflict, NotFound
from partnerbilling.events.schemas import EventType
from partnerbilling.events.service import emit
from partnerbilling.organizations import repository as organizations
from partnerbilling.sql import Connection
from partnerbilling.states import EntryKind
from partnerbilling.visibility import account_entry_view

# The kinds that may take a balance below zero (SPEC §9): none but a cashback reversal.
_NO_FLOOR = frozenset({EntryKind.CASHBACK_REVERSAL})


class InsufficientBalance(Conflict):
    code, title = "insufficient_balance", "The balance does not cover this amount"


class NegativeBalance(Conflict):
    code, title = "negative_balance", "The balance is below zero"


async def refuse_negative(conn: Connection, org_id: str, currency: str) -> None:
    """409 ``negative_balance`` if the account is below zero (SPEC §13: it blocks payouts and
    payments from the balance until a credit settles it); checked first by each of those."""
    balance = await repository.balance(conn, org_id, currency)
    if balance < 0:
        raise NegativeBalance(
            f"The {currency} balance is {format_money(balance)}; a credit must settle it first."
        )


@dataclass(frozen=True, slots=True)
class Movement:
    """What an entry is about: at most one of each, as its kind needs."""

    invoice_id: str | None = None
    cashback_entry_id: str | None = None
    payment_id: str | None = None
    payout_id: str | None = None


async def move(
    conn: Connection,
    org_id: str,
    currency: str,
    amount: Decimal,
    kind: EntryKind,
    description: str,
    at: datetime,
    about: Movement = Movement(),
) -> AccountEntry:
    """Credit (``amount`` > 0) or debit (< 0) the organisation's account in ``currency`` with one
    entry. A debit never takes the balance below zero (:class:`InsufficientBalance`, nothing
    written), except a cashback reversal, the only way below zero.
    A second entry of a kind that happens once for its object raises ``DuplicateKey``. The
    organisation is told (``account.credited`` / ``account.debited``, the entry)."""
    assert amount != 0
    entry = AccountEntry(
        id=new_id("acc"),
        org_id=org_id,
        currency=currency,
        amount=amount,
        kind=kind,
        invoice_id=about.invoice_id,
        cashback_entry_id=about.cashback_entry_id,
        payment_id=about.payment_id,
        payout_id=about.payout_id,
        description=description,
        created_at=at,
    )
    floor = None if amount > 0 or kind in _NO_FLOOR else Decimal("0.00")
    if await repository.post(conn, entry, floor=floor) is None:
        raise InsufficientBalance(f"The {currency} balance does not cover {-amount}.")
    told = EventType.ACCOUNT_CREDITED if amount > 0 else EventType.ACCOUNT_DEBITED
    await emit(conn, told, [org_id], lambda viewer: account_entry_view(viewer, entry), at)
    return entry


async def adjust(conn: Connection, org_id: str, currency: str, amount: Decimal, reason: str) -> AccountEntry:
    """The platform's adjustment of an account (``adjustment``, ``reason`` its description); one
    that would take the balance below zero (or lower it further) is 409 ``negative_balance``;
    an unknown organisation 404."""
    if await organizations.get(conn, org_id) is None:
        raise NotFound("No such organisation.")
    try:
        return await move(conn, org_id, currency, amount, EntryKind.ADJUSTMENT, reason, utcnow())
    except InsufficientBalance:
        raise NegativeBalance(
            f"The {currency} balance ({format_money(await repository.balance(conn, org_id, currency))}) "
            f"cannot take {format_money(amount)}: it would be below zero."
        ) from None
