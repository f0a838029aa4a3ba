"""The ledger on real transactions: an entry and its balance written together, debits never
below zero (but a cashback reversal), concurrent debits of one balance serialised, and what
happens once happening once."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.accounts import repository
from partnerbilling.accounts.service import InsufficientBalance, Movement, move
from partnerbilling.db import transaction, utcnow
from partnerbilling.errors import DuplicateKey
from partnerbilling.states import EntryKind
from tests.support import Api, count


async def _balance(db: AsyncEngine, org_id: str) -> Decimal:
    async with transaction(db) as conn:
        return await repository.balance(conn, org_id, "CHF")


async def _move(
    db: AsyncEngine, org_id: str, amount: str, kind: EntryKind, about: Movement = Movement()
) -> None:
    async with transaction(db) as conn:
        await move(conn, org_id, "CHF", Decimal(amount), kind, "test", utcnow(), about)


async def test_debits_stop_at_zero_and_only_a_reversal_goes_below(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Ledger AG")
    with pytest.raises(InsufficientBalance):
        await _move(db, org.id, "-1.00", EntryKind.INVOICE_PAYMENT)  # no account yet
    await _move(db, org.id, "30.00", EntryKind.OVERPAYMENT)
    await _move(db, org.id, "-20.00", EntryKind.INVOICE_PAYMENT)
    with pytest.raises(InsufficientBalance):
        await _move(db, org.id, "-10.01", EntryKind.PAYOUT)
    assert await _balance(db, org.id) == Decimal("10.00")
    assert await count(db, "account_entries", "org_id = :o", o=org.id) == 2
    await _move(db, org.id, "-25.00", EntryKind.CASHBACK_REVERSAL)
    assert await _balance(db, org.id) == Decimal("-15.00")
    with pytest.raises(InsufficientBalance):
        await _move(db, org.id, "-1.00", EntryKind.ADJUSTMENT)
    await _move(db, org.id, "20.00", EntryKind.REFUND)  # later credits settle it first
    assert await _balance(db, org.id) == Decimal("5.00")


async def test_concurrent_debits_of_one_balance_never_overdraw(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Busy AG")
    await _move(db, org.id, "100.00", EntryKind.OVERPAYMENT)

    async def debit() -> bool:
        try:
            await _move(db, org.id, "-30.00", EntryKind.INVOICE_PAYMENT)
        except InsufficientBalance:
            return False
        return True

    done = await asyncio.gather(*(debit() for _ in range(20)))
    assert sum(done) == 3
    assert await _balance(db, org.id) == Decimal("10.00")
    assert await count(db, "account_entries", "org_id = :o", o=org.id) == 4


async def test_a_payout_is_paid_out_once(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Once AG")
    await _move(db, org.id, "100.00", EntryKind.OVERPAYMENT)
    async with transaction(db) as conn:
        await conn.exec_driver_sql(
            "INSERT INTO payouts (id, org_id, currency, amount, iban, account_holder, status, created_at,"
            f" updated_at) VALUES ('po_1', '{org.id}', 'CHF', 50, 'CH5604835012345678009', 'Once AG',"
            " 'requested', now(), now())"
        )
    await _move(db, org.id, "-50.00", EntryKind.PAYOUT, Movement(payout_id="po_1"))
    with pytest.raises(DuplicateKey):
        await _move(db, org.id, "-50.00", EntryKind.PAYOUT, Movement(payout_id="po_1"))
    assert await _balance(db, org.id) == Decimal("50.00")
