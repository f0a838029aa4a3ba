"""Paying and crediting invoices (platform), and what that does to the partner's cashback."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem, invoice_number, this_year
from tests.support import Api, World, build_world, count


async def _case_a(api: Api) -> tuple[World, dict[str, Any], dict[str, Any]]:
    """Worked example A: WebAgency orders for Acme, Acme pays 129.72, WebAgency earns 24.00."""
    w = await build_world(api)
    placed = await api.order(w.agency, w.acme, "web-hosting-pro")
    order = await api.ok(w.acme, "GET", f"/v1/orders/{placed['id']}")
    invoice = await api.ok(w.acme, "GET", f"/v1/invoices/{order['invoice_id']}")
    return w, order, invoice


async def _balance(api: Api, w: World) -> list[dict[str, str]]:
    balances: list[dict[str, str]] = (await api.ok(w.agency, "GET", "/v1/cashback/balance"))["balances"]
    return balances


async def _cashback_status(api: Api, w: World, order_id: str) -> str:
    [entry] = (await api.ok(w.agency, "GET", "/v1/cashback/entries"))["data"]
    assert entry["order_id"] == order_id
    via_order = (await api.ok(w.agency, "GET", f"/v1/orders/{order_id}"))["cashback"]["status"]
    status: str = entry["status"]
    assert via_order == status
    return status


async def test_paying_makes_the_cashback_available(api: Api) -> None:
    w, order, invoice = await _case_a(api)
    assert await _balance(api, w) == [{"currency": "CHF", "pending": "24.00", "available": "0.00"}]

    paid = await api.ok(None, "POST", f"/v1/admin/invoices/{invoice['id']}/pay")
    [payment] = paid["payments"]
    assert payment["amount"] == payment["applied"] == "129.72" and payment["method"] == "other"
    assert paid == {
        **invoice,
        "status": "paid",
        "paid_at": paid["paid_at"],
        "amount_paid": "129.72",
        "amount_due": "0.00",
        "payments": [payment],
    }
    assert paid["paid_at"] is not None
    assert await api.ok(w.acme, "GET", f"/v1/invoices/{invoice['id']}") == paid
    assert await _cashback_status(api, w, order["id"]) == "available"
    assert await _balance(api, w) == [{"currency": "CHF", "pending": "0.00", "available": "24.00"}]


async def test_paying_records_the_given_time(api: Api) -> None:
    _, _, invoice = await _case_a(api)
    # The moment of issue (a payment cannot come earlier), sent one hour east of UTC.
    issued_at = datetime.fromisoformat(invoice["issued_at"])
    sent = issued_at.astimezone(timezone(timedelta(hours=1))).isoformat()
    paid = await api.ok(None, "POST", f"/v1/admin/invoices/{invoice['id']}/pay", json={"paid_at": sent})
    assert paid["paid_at"] == invoice["issued_at"]
    assert paid["paid_at"].endswith("Z")


@pytest.mark.parametrize("paid_first", [True, False], ids=["paid", "unpaid"])
async def test_a_credit_note_reverses_the_whole_charge(api: Api, db: AsyncEngine, paid_first: bool) -> None:
    w, order, invoice = await _case_a(api)
    if paid_first:
        await api.ok(None, "POST", f"/v1/admin/invoices/{invoice['id']}/pay")

    response = await api.admin(
        "POST", f"/v1/admin/invoices/{invoice['id']}/credit-note", json={"reason": "Withdrawn"}
    )
    assert response.status_code == 201, response.text
    note = response.json()
    assert note["id"] != invoice["id"]
    assert note["number"] == invoice_number(this_year(), 2)
    assert invoice["number"] == invoice_number(this_year(), 1)
    assert note == {
        **note,
        "kind": "credit_note",
        "credits_invoice_id": invoice["id"],
        "payer_id": w.acme.id,
        "customer_id": w.acme.id,
        "order_id": order["id"],
        "currency": "CHF",
        "subtotal": "-120.00",
        "tax_rate": "0.081",
        "tax": "-9.72",
        "total": "-129.72",
        "reason": "Withdrawn",
    }
    [line] = note["lines"]
    assert (line["quantity"], line["unit_price"]) == (1, "120.00")
    assert (line["amount"], line["discount"], line["net_amount"]) == ("-120.00", "0.00", "-120.00")

    # The payer sees both documents; nobody else sees either.
    assert (await api.ok(w.acme, "GET", f"/v1/invoices/{invoice['id']}"))["status"] == "credited"
    # The answer about one invoice lists its payments; the credit-note answer, as lists, does not.
    assert await api.ok(w.acme, "GET", f"/v1/invoices/{note['id']}") == {**note, "payments": []}
    listed = (await api.ok(w.acme, "GET", "/v1/invoices"))["data"]
    assert [i["id"] for i in listed] == [note["id"], invoice["id"]]
    for outsider in (w.agency, w.stranger):
        assert_problem(await api.call(outsider, "GET", f"/v1/invoices/{note['id']}"), 404, "not_found")

    # The cashback is reversed and counts in no balance; the subscription is cancelled.
    assert await _cashback_status(api, w, order["id"]) == "reversed"
    for balance in await _balance(api, w):
        assert (balance["pending"], balance["available"]) == ("0.00", "0.00")
    sub = await api.ok(w.acme, "GET", f"/v1/subscriptions/{order['subscription_id']}")
    assert (sub["status"], sub["auto_renew"]) == ("cancelled", False)
    assert await count(db, "invoices") == 2


async def test_the_partners_invoice_is_credited_to_the_partner(api: Api) -> None:
    w = await build_world(api, billing_mode="partner")
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    note = await api.ok(
        None, "POST", f"/v1/admin/invoices/{order['invoice_id']}/credit-note", json={"reason": "Refund"}
    )
    assert (note["payer_id"], note["subtotal"], note["tax"], note["total"]) == (
        w.agency.id,
        "-96.00",
        "-7.78",
        "-103.78",
    )
    assert note["lines"][0]["discount"] == "-24.00"
    assert (await api.ok(w.acme, "GET", "/v1/invoices"))["data"] == []
    assert_problem(await api.call(w.acme, "GET", f"/v1/invoices/{note['id']}"), 404, "not_found")


async def test_each_action_happens_once(api: Api) -> None:
    _, _, invoice = await _case_a(api)
    pay = f"/v1/admin/invoices/{invoice['id']}/pay"
    credit = f"/v1/admin/invoices/{invoice['id']}/credit-note"
    await api.ok(None, "POST", pay)
    assert_problem(await api.admin("POST", pay), 409)
    note = await api.ok(None, "POST", credit, json={"reason": "Withdrawn"})
    assert_problem(await api.admin("POST", credit, json={"reason": "Again"}), 409)
    assert_problem(await api.admin("POST", pay), 409)
    # A credit note itself can be neither paid nor credited.
    assert_problem(await api.admin("POST", f"/v1/admin/invoices/{note['id']}/pay"), 409)
    response = await api.admin("POST", f"/v1/admin/invoices/{note['id']}/credit-note", json={"reason": "x"})
    assert_problem(response, 409)


async def test_unknown_invoices_are_404(api: Api) -> None:
    await build_world(api)
    unknown = "inv_00000000000000000000000000"
    assert_problem(await api.admin("POST", f"/v1/admin/invoices/{unknown}/pay"), 404, "not_found")
    response = await api.admin("POST", f"/v1/admin/invoices/{unknown}/credit-note", json={"reason": "x"})
    assert_problem(response, 404, "not_found")


async def test_an_org_key_may_not_pay_or_credit(api: Api) -> None:
    w, _, invoice = await _case_a(api)
    for who in (w.acme, w.agency):
        response = await api.call(who, "POST", f"/v1/admin/invoices/{invoice['id']}/pay")
        assert_problem(response, 403, "forbidden")
        response = await api.call(
            who, "POST", f"/v1/admin/invoices/{invoice['id']}/credit-note", json={"reason": "x"}
        )
        assert_problem(response, 403, "forbidden")
    assert await api.ok(w.acme, "GET", f"/v1/invoices/{invoice['id']}") == invoice
