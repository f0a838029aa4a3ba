"""No balance refuses a credit for lack of room (SPEC §13): balances and entries hold 10^15 and
more, where NUMERIC(14,2) stopped below 10^12 and refused the credit that crossed it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.payments.helpers import case_a, pay
from tests.payouts.support import balance, credit
from tests.support import Api, build_world


async def test_a_credit_past_a_trillion_is_taken(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Rich AG")
    await credit(db, org, "999999999999.99")
    await credit(db, org, "0.01")  # 10^12: one digit more than NUMERIC(14,2) holds
    assert await balance(api, org) == "1000000000000.00"
    await credit(db, org, "999000000000000.00")
    entry = await api.admin(
        "POST", f"/v1/admin/accounts/{org.id}/adjustments",
        json={"currency": "CHF", "amount": "9999999999.99", "reason": "Top"},
    )  # fmt: skip
    assert entry.status_code == 201, entry.text
    assert await balance(api, org) == "1000009999999999.99"
    assert await check_database(db) == []


async def test_an_overpayment_onto_a_full_balance_is_recorded(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    await credit(db, w.acme, "999999999999.00")
    invoice = await case_a(api, w)
    response = await pay(api, invoice["id"], "129.72", "bank-1")
    assert response.status_code == 201, response.text
    response = await pay(api, invoice["id"], "9999999999.99", "bank-2")
    assert response.status_code == 201, response.text
    assert Decimal(await balance(api, w.acme)) == Decimal("999999999999.00") + Decimal("9999999999.99")
    assert await check_database(db) == []
