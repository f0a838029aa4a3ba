"""GET /v1/account and its entries: balances with the pending cashback, the currency filter,
and the payout invariant of ``partnerbilling check``."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.invariants import check_database
from tests.payouts.support import credit, with_payout_iban
from tests.support import Api, build_world

PAYOUT_INVARIANT = "every payout has its entry, and a failed or cancelled one its return"


async def test_the_account_shows_balances_and_pending_cashback(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    assert (await api.ok(w.agency, "GET", "/v1/account"))["balances"] == []
    await api.order(w.acme, w.acme, "web-hosting-pro")  # 24.00 cashback, pending
    assert (await api.ok(w.agency, "GET", "/v1/account"))["balances"] == [
        {"currency": "CHF", "balance": "0.00", "pending_cashback": "24.00"}
    ]
    await credit(db, w.agency, "10.50", "EUR")
    await credit(db, w.agency, "5.00")
    assert (await api.ok(w.agency, "GET", "/v1/account"))["balances"] == [
        {"currency": "CHF", "balance": "5.00", "pending_cashback": "24.00"},
        {"currency": "EUR", "balance": "10.50", "pending_cashback": "0.00"},
    ]
    euro = (await api.ok(w.agency, "GET", "/v1/account/entries?currency=EUR"))["data"]
    assert [(e["currency"], e["amount"], e["kind"]) for e in euro] == [("EUR", "10.50", "adjustment")]
    assert len((await api.ok(w.agency, "GET", "/v1/account/entries"))["data"]) == 2
    assert (await api.ok(w.acme, "GET", "/v1/account/entries"))["data"] == []
    assert (await api.ok(w.acme, "GET", "/v1/account"))["balances"] == []


async def test_check_finds_a_payout_without_its_entries(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Checked")
    await with_payout_iban(api, org)
    await credit(db, org, "200.00")
    kept = await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
    failed = await api.ok(org, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "60.00"})
    await api.ok(None, "POST", f"/v1/admin/payouts/{failed['id']}/fail")
    assert await check_database(db) == []

    async with transaction(db) as conn:  # a failed payout without its return
        await conn.execute(text("UPDATE payouts SET status = 'failed' WHERE id = :p"), {"p": kept["id"]})
    [breach] = [b for b in await check_database(db) if b.invariant == PAYOUT_INVARIANT]
    assert breach.sample == [kept["id"]]

    async with transaction(db) as conn:  # a payout whose amount never left the balance
        await conn.execute(text("UPDATE payouts SET status = 'requested' WHERE id = :p"), {"p": kept["id"]})
        await conn.execute(text("DELETE FROM account_entries WHERE payout_id = :p"), {"p": kept["id"]})
    [breach] = [b for b in await check_database(db) if b.invariant == PAYOUT_INVARIANT]
    assert breach.sample == [kept["id"]]
