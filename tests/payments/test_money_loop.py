"""Worked example A's money loop through POST /v1/admin/payments and pay-from-balance: the
customer pays, the partner's cashback lands on its account, the partner pays its own invoice from
it (partly), the QR-bill asks for what is still due, and a bank payment settles it with an
overpayment."""

from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.documents.reading import qr_payloads
from tests.documents.test_invoice_documents import ISSUER
from tests.payments.helpers import balance, case_a, case_b, entries, pay
from tests.support import Api, build_world, count


async def test_the_money_loop_of_worked_example_a(api: Api, db: AsyncEngine) -> None:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api)
    a = await case_a(api, w)
    assert (a["total"], a["amount_paid"], a["amount_due"], a["payments"]) == ("129.72", "0.00", "129.72", [])

    response = await pay(api, a["id"], "129.72", "bank-0001")
    assert response.status_code == 201, response.text
    payment = response.json()
    assert (payment["amount"], payment["applied"], payment["method"]) == ("129.72", "129.72", "bank_transfer")
    paid = await api.ok(w.acme, "GET", f"/v1/invoices/{a['id']}")
    assert (paid["status"], paid["amount_paid"], paid["amount_due"]) == ("paid", "129.72", "0.00")
    assert [p["id"] for p in paid["payments"]] == [payment["id"]]
    [cashback] = (await api.ok(w.agency, "GET", "/v1/cashback/entries"))["data"]
    assert (cashback["amount"], cashback["status"]) == ("24.00", "available")
    assert await entries(db, w.agency) == [("cashback", D("24.00"))]

    b = await case_b(api, w)
    assert b["total"] == "103.78"
    whole = await api.call(w.agency, "POST", f"/v1/invoices/{b['id']}/pay-from-balance")
    assert_problem(whole, 409, "insufficient_balance")
    part = await api.ok(w.agency, "POST", f"/v1/invoices/{b['id']}/pay-from-balance", json={"partial": True})
    assert (part["status"], part["amount_paid"], part["amount_due"]) == ("issued", "24.00", "79.78")
    [from_balance] = part["payments"]
    assert (from_balance["amount"], from_balance["method"]) == ("24.00", "balance")
    assert await balance(db, w.agency) == D("0.00")
    pdf = (await api.call(w.agency, "GET", f"/v1/invoices/{b['id']}/pdf")).content
    [qr] = qr_payloads(pdf)
    assert qr[18:20] == ["79.78", "CHF"] and qr[28] == b["payment_reference"]

    response = await pay(api, b["id"], "100.00", "bank-0002")
    assert response.status_code == 201, response.text
    assert (response.json()["amount"], response.json()["applied"]) == ("100.00", "79.78")
    done = await api.ok(w.agency, "GET", f"/v1/invoices/{b['id']}")
    assert (done["status"], done["amount_paid"], done["amount_due"]) == ("paid", "103.78", "0.00")
    assert len(done["payments"]) == 2
    assert await entries(db, w.agency) == [
        ("cashback", D("24.00")),
        ("invoice_payment", D("-24.00")),
        ("overpayment", D("20.22")),
    ]
    assert await balance(db, w.agency) == D("20.22")
    # Paid: nothing to scan any more.
    assert qr_payloads((await api.call(w.agency, "GET", f"/v1/invoices/{b['id']}/pdf")).content) == []
    assert await count(db, "events", "type = 'payment.received'") == 3
    assert await check_database(db) == []
