"""Negative balances (SPEC §13): a cashback reversal after a payout takes a partner below zero;
that blocks its payouts and balance payments (409 ``negative_balance``, before any other
check), shows as it is, and is settled first by any credit."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.payments.helpers import case_a, case_b, pay
from tests.payouts.support import balance, credit, with_payout_iban
from tests.support import Api, World, build_world


async def _below_zero(api: Api, db: AsyncEngine) -> tuple[World, dict[str, Any]]:
    """WebAgency earns 24.00 on Acme's paid invoice, has 30.00 more, pays out 50.00 (4.00
    left); the invoice is credited, the cashback reversed: −20.00. Returns its own unpaid
    invoice of 103.78 (partner mode) too."""
    w = await build_world(api)
    a = await case_a(api, w)
    assert (await pay(api, a["id"], "129.72", "bank-a")).status_code == 201
    await credit(db, w.agency, "30.00")
    await with_payout_iban(api, w.agency)
    await api.ok(w.agency, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
    b = await case_b(api, w)
    await api.ok(None, "POST", f"/v1/admin/invoices/{a['id']}/credit-note", json={"reason": "Cancelled"})
    return w, b


async def test_a_negative_balance_blocks_payouts_and_balance_payments(api: Api, db: AsyncEngine) -> None:
    w, own = await _below_zero(api, db)
    assert (await api.ok(w.agency, "GET", "/v1/account"))["balances"] == [
        {"currency": "CHF", "balance": "-20.00", "pending_cashback": "0.00"}
    ]
    for body in ({"currency": "CHF", "amount": "50.00"}, {"currency": "CHF", "amount": "10.00"}):
        refused = await api.call(w.agency, "POST", "/v1/payouts", json=body)
        assert_problem(refused, 409, "negative_balance")
    path = f"/v1/invoices/{own['id']}/pay-from-balance"
    assert_problem(await api.call(w.agency, "POST", path), 409, "negative_balance")
    assert_problem(await api.call(w.agency, "POST", path, json={"partial": True}), 409, "negative_balance")
    # A stranger's payment attempt is still 404: the invoice is not its to see.
    assert_problem(await api.call(w.stranger, "POST", path), 404, "not_found")
    assert await balance(api, w.agency) == "-20.00"
    assert len((await api.ok(w.agency, "GET", "/v1/payouts"))["data"]) == 1
    assert await check_database(db) == []


async def test_any_credit_settles_a_negative_balance_first(api: Api, db: AsyncEngine) -> None:
    w, own = await _below_zero(api, db)
    assert (await pay(api, own["id"], "110.00", "bank-b")).status_code == 201  # 6.22 overpaid
    assert await balance(api, w.agency) == "-13.78"
    await credit(db, w.agency, "63.78")
    assert await balance(api, w.agency) == "50.00"
    payout = await api.ok(w.agency, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
    assert payout["status"] == "requested"
    assert await balance(api, w.agency) == "0.00"
    assert await check_database(db) == []
