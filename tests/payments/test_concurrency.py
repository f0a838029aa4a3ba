"""Payments under concurrent requests on real transactions: a balance is never overdrawn, an
invoice never paid twice, an external id one payment."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.payments.helpers import balance, case_b, invoice_of, pay
from tests.support import Api, World, build_world, count


async def _funded(api: Api) -> tuple[World, dict[str, Any]]:
    """WebAgency (partner mode) with a paid invoice of 103.78 and 396.22 on its account (an
    overpayment of 500.00)."""
    w = await build_world(api)
    first = await case_b(api, w)
    assert (await pay(api, first["id"], "500.00", "fund")).status_code == 201
    return w, first


async def test_twenty_payments_from_the_balance_of_one_invoice_pay_it_once(api: Api, db: AsyncEngine) -> None:
    w, _ = await _funded(api)
    invoice = await invoice_of(api, w.agency, await api.order(w.agency, w.acme, "web-hosting-pro"))
    path = f"/v1/invoices/{invoice['id']}/pay-from-balance"
    answers = await asyncio.gather(*(api.call(w.agency, "POST", path) for _ in range(20)))
    assert sorted(r.status_code for r in answers) == [200] + [409] * 19
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"invalid_state"}
    assert await count(db, "payments", "invoice_id = :i", i=invoice["id"]) == 1
    assert await balance(db, w.agency) == D("396.22") - D("103.78")
    assert await check_database(db) == []


async def test_twenty_invoices_sharing_one_balance_never_overdraw_it(api: Api, db: AsyncEngine) -> None:
    w, _ = await _funded(api)
    invoices = [
        await invoice_of(api, w.agency, await api.order(w.agency, w.acme, "web-hosting-pro"))
        for _ in range(20)
    ]
    answers = await asyncio.gather(
        *(api.call(w.agency, "POST", f"/v1/invoices/{i['id']}/pay-from-balance") for i in invoices)
    )
    # 396.22 covers three invoices of 103.78 (311.34), not a fourth.
    assert sorted(r.status_code for r in answers) == [200] * 3 + [409] * 17
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"insufficient_balance"}
    assert await count(db, "payments", "method = 'balance'") == 3
    assert await balance(db, w.agency) == D("84.88")
    assert await check_database(db) == []


async def test_one_external_id_sent_twenty_times_at_once_is_one_payment(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    invoice = await case_b(api, w)
    answers = await asyncio.gather(*(pay(api, invoice["id"], "10.00", "camt-entry-42") for _ in range(20)))
    assert sorted(r.status_code for r in answers) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in answers}) == 1
    assert await count(db, "payments") == 1
    again = await api.ok(w.agency, "GET", f"/v1/invoices/{invoice['id']}")
    assert (again["amount_paid"], again["amount_due"]) == ("10.00", "93.78")
    assert await check_database(db) == []
