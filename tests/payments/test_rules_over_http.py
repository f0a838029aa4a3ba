"""What a payment may not do, and what it does besides paying: refusals (another currency, a
credited invoice, a stranger), overpayments, refunds by a credit note, auto-pay at issue, and
need to know for payments."""

from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.payments.helpers import balance, case_a, case_b, entries, invoice_of, pay
from tests.support import Api, build_world, count


async def test_another_currency_is_422_and_a_credited_invoice_409(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    invoice = await case_a(api, w)
    problem = assert_problem(await pay(api, invoice["id"], "10.00", currency="EUR"), 422)
    assert problem["errors"][0]["loc"] == ["body", "currency"]
    assert_problem(await pay(api, "inv_unknown", "10.00"), 404, "not_found")
    await api.ok(None, "POST", f"/v1/admin/invoices/{invoice['id']}/credit-note", json={"reason": "x"})
    assert_problem(await pay(api, invoice["id"], "10.00"), 409, "invalid_state")
    assert_problem(await api.admin("POST", f"/v1/admin/invoices/{invoice['id']}/pay"), 409, "invalid_state")
    assert await count(db, "payments") == 0


async def test_a_payment_of_a_paid_invoice_is_all_overpayment(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    invoice = await case_a(api, w)
    await api.ok(None, "POST", f"/v1/admin/invoices/{invoice['id']}/pay")
    again = await pay(api, invoice["id"], "129.72", "twice")
    assert again.status_code == 201
    assert (again.json()["amount"], again.json()["applied"]) == ("129.72", "0.00")
    assert await entries(db, w.acme) == [("overpayment", D("129.72"))]
    # Partial payments add up; the cashback is credited once, when the invoice is paid.
    assert await entries(db, w.agency) == [("cashback", D("24.00"))]
    assert await check_database(db) == []


async def test_a_credit_note_refunds_what_was_paid_and_takes_back_available_cashback(
    api: Api, db: AsyncEngine
) -> None:
    w = await build_world(api)
    paid, partly, unpaid = [await case_a(api, w) for _ in range(3)]
    await api.ok(None, "POST", f"/v1/admin/invoices/{paid['id']}/pay")
    assert (await pay(api, partly["id"], "50.00", "part")).status_code == 201
    for invoice in (paid, partly, unpaid):
        await api.ok(None, "POST", f"/v1/admin/invoices/{invoice['id']}/credit-note", json={"reason": "x"})
    assert await entries(db, w.acme) == [("refund", D("129.72")), ("refund", D("50.00"))]
    assert await balance(db, w.acme) == D("179.72")
    # Only the paid invoice's cashback had become available: it alone leaves the account.
    assert await entries(db, w.agency) == [("cashback", D("24.00")), ("cashback_reversal", D("-24.00"))]
    credited = await api.ok(w.acme, "GET", f"/v1/invoices/{partly['id']}")
    assert (credited["status"], credited["amount_paid"], credited["amount_due"]) == (
        "credited",
        "50.00",
        "0.00",
    )
    assert await check_database(db) == []


async def test_auto_pay_pays_each_new_invoice_the_balance_covers(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    first = await case_b(api, w)  # WebAgency pays its customer's orders
    assert (await pay(api, first["id"], "250.00", "fund")).status_code == 201  # 146.22 left over
    await api.ok(
        None, "PATCH", f"/v1/admin/organizations/{w.agency.id}", json={"auto_pay_from_balance": True}
    )
    covered = await invoice_of(api, w.agency, await api.order(w.agency, w.acme, "web-hosting-pro"))
    assert (covered["status"], covered["amount_due"]) == ("paid", "0.00")
    assert [p["method"] for p in covered["payments"]] == ["balance"]
    # 42.44 left: the next one is left alone, not paid in part.
    short = await invoice_of(api, w.agency, await api.order(w.agency, w.acme, "web-hosting-pro"))
    assert (short["status"], short["amount_due"], short["payments"]) == ("issued", "103.78", [])
    assert await balance(db, w.agency) == D("42.44")
    # A renewal is charged the same way.
    subscription = (await api.ok(w.agency, "GET", f"/v1/orders/{short['order_id']}"))["subscription_id"]
    assert (await pay(api, short["id"], "200.00", "fund-2")).status_code == 201
    renewal = await api.ok(w.agency, "POST", f"/v1/subscriptions/{subscription}/renew")
    renewed = await invoice_of(api, w.agency, renewal)
    assert renewed["status"] == "paid" and renewed["payments"][0]["method"] == "balance"
    assert await check_database(db) == []


async def test_payments_are_the_payers_alone(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    invoice = await case_a(api, w)
    payment = (await pay(api, invoice["id"], "129.72", "seen")).json()
    # The partner whose cashback it made available sees neither the invoice nor the payment.
    for org in (w.agency, w.stranger):
        assert_problem(await api.call(org, "GET", f"/v1/invoices/{invoice['id']}"), 404, "not_found")
        path = f"/v1/invoices/{invoice['id']}/pay-from-balance"
        assert_problem(await api.call(org, "POST", path, json={"partial": True}), 404, "not_found")
        events = (await api.ok(org, "GET", "/v1/events", params={"type": "payment.received"}))["data"]
        assert events == []
    [event] = (await api.ok(w.acme, "GET", "/v1/events", params={"type": "payment.received"}))["data"]
    assert event["data"] == payment
    assert await count(db, "events", "type = 'payment.received'") == 1
    listed = (await api.ok(w.acme, "GET", "/v1/invoices"))["data"]
    assert [(i["amount_paid"], i["payments"]) for i in listed] == [("129.72", None)]
