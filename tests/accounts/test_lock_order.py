"""Balance locks in one global order (SPEC §13): two organisations that are each other's payer
and partner pay their invoices from their balances at the same time, each payment crediting
the other's cashback, and none deadlocks."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.payments.helpers import invoice_of, pay
from tests.payouts.support import balance, credit
from tests.support import Api, Org

PER_SIDE = 10


async def _mutual(api: Api) -> tuple[Org, Org]:
    """Two gold resellers, each the other's customer (full access, the customer pays)."""
    await api.gold_catalogue()
    a = await api.org("Alpha", reseller_tier="gold")
    b = await api.org("Beta", reseller_tier="gold")
    await api.partnership(a, b)
    await api.partnership(b, a)
    return a, b


async def _invoices(api: Api, payer: Org) -> list[dict[str, Any]]:
    """``PER_SIDE`` invoices of 129.72, each earning the other side 24.00 of cashback once paid."""
    return [
        await invoice_of(api, payer, await api.order(payer, payer, "web-hosting-pro"))
        for _ in range(PER_SIDE)
    ]


async def test_mutual_payments_from_the_balance_never_deadlock(api: Api, db: AsyncEngine) -> None:
    a, b = await _mutual(api)
    await credit(db, a, "2000.00")
    await credit(db, b, "2000.00")
    mine, theirs = await _invoices(api, a), await _invoices(api, b)

    async def pay_from_balance(payer: Org, invoice: dict[str, Any]) -> int:
        response = await api.call(payer, "POST", f"/v1/invoices/{invoice['id']}/pay-from-balance")
        assert response.status_code < 500, response.text
        return response.status_code

    calls = [pay_from_balance(a, i) for i in mine] + [pay_from_balance(b, i) for i in theirs]
    interleaved = [call for pair in zip(calls[:PER_SIDE], calls[PER_SIDE:], strict=True) for call in pair]
    assert await asyncio.gather(*interleaved) == [200] * 2 * PER_SIDE
    # 2000.00 − 10 × 129.72 paid + 10 × 24.00 of cashback from the other side's payments.
    assert await balance(api, a) == await balance(api, b) == "942.80"
    assert await check_database(db) == []


async def test_mutual_bank_payments_with_overpayments_never_deadlock(api: Api, db: AsyncEngine) -> None:
    """A bank payment above what is due credits its payer (overpayment) and the other side
    (cashback) in one transaction; the accounts are new, created by those credits."""
    a, b = await _mutual(api)
    mine, theirs = await _invoices(api, a), await _invoices(api, b)
    answers = await asyncio.gather(
        *(
            pay(api, invoice["id"], "130.00", f"bank-{invoice['id']}")
            for pair in zip(mine, theirs, strict=True)
            for invoice in pair
        )
    )
    assert [r.status_code for r in answers] == [201] * 2 * PER_SIDE
    assert await balance(api, a) == await balance(api, b) == str(D("10") * (D("0.28") + D("24.00")))
    assert await check_database(db) == []


async def test_mutual_credit_notes_of_paid_invoices_never_deadlock(api: Api, db: AsyncEngine) -> None:
    """A credit note of a paid invoice refunds its payer and reverses its partner's cashback in
    one transaction: twenty at once, half each way."""
    a, b = await _mutual(api)
    await credit(db, a, "2000.00")
    await credit(db, b, "2000.00")
    mine, theirs = await _invoices(api, a), await _invoices(api, b)
    for payer, invoices in ((a, mine), (b, theirs)):
        for invoice in invoices:
            await api.ok(payer, "POST", f"/v1/invoices/{invoice['id']}/pay-from-balance")
    answers = await asyncio.gather(
        *(
            api.admin("POST", f"/v1/admin/invoices/{invoice['id']}/credit-note", json={"reason": "Undo"})
            for pair in zip(mine, theirs, strict=True)
            for invoice in pair
        )
    )
    assert [r.status_code for r in answers] == [201] * 2 * PER_SIDE, [
        r.text for r in answers if r.status_code != 201
    ]
    assert await balance(api, a) == await balance(api, b) == "2000.00"
    assert await check_database(db) == []


async def test_an_account_only_locked_is_shown_nowhere(api: Api, db: AsyncEngine) -> None:
    """Paying an invoice exactly locks (and so creates) its payer's account, which no entry
    moves: the payer still has no account to show or to pay out from."""
    a, b = await _mutual(api)
    [invoice] = [await invoice_of(api, a, await api.order(a, a, "web-hosting-pro"))]
    assert (await pay(api, invoice["id"], "129.72", "bank-exact")).status_code == 201
    assert (await api.ok(a, "GET", "/v1/account"))["balances"] == []
    await api.ok(a, "PATCH", "/v1/organizations/me", json={"payout_iban": "CH9300762011623852957"})
    refused = await api.call(a, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
    assert (refused.status_code, refused.json()["errors"][0]["loc"]) == (422, ["body", "currency"])
    assert await balance(api, b) == "24.00"
    assert await check_database(db) == []
