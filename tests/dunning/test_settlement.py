"""Dunning meets the other ways money and modes move: a suspended subscription is reactivated by
the bank's own file, and a customer who takes over the billing takes over none of its partner's
debt."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.asserts import assert_problem
from tests.documents.test_invoice_documents import ISSUER
from tests.dunning.helpers import day, events_of, run
from tests.payments.camt_files import camt054
from tests.support import Api, World, build_world


async def _suspended(api: Api) -> tuple[World, dict[str, Any], dict[str, Any]]:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api, billing_mode="partner")
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    invoice: dict[str, Any] = await api.ok(w.agency, "GET", f"/v1/invoices/{order['invoice_id']}")
    for days in (0, 14, 28, 42):
        await run(api, day(invoice, days))
    sub = await api.ok(w.acme, "GET", f"/v1/subscriptions/{order['subscription_id']}")
    assert sub["status"] == "suspended"
    return w, order, invoice


async def test_a_bank_file_that_settles_the_invoice_reactivates_the_subscription(
    api: Api, db: AsyncEngine
) -> None:
    w, order, invoice = await _suspended(api)
    data = camt054([(invoice["payment_reference"], invoice["total"], "CHF", "BANK-77")])
    response = await api.admin(
        "POST", "/v1/admin/payments/import", content=data, headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 200 and len(response.json()["matched"]) == 1, response.text
    sub = await api.ok(w.acme, "GET", f"/v1/subscriptions/{order['subscription_id']}")
    assert (sub["status"], sub["at_risk_since"], sub["suspends_at"]) == ("active", None, None)
    told = [kind for kind, _ in await events_of(db, w.acme, "subscription.")]
    assert told[-1] == "subscription.reactivated"
    assert await check_database(db) == []


async def test_taking_over_the_billing_takes_over_none_of_the_partners_debt(
    api: Api, db: AsyncEngine
) -> None:
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api, billing_mode="partner")
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    invoice = await api.ok(w.agency, "GET", f"/v1/invoices/{order['invoice_id']}")
    for days in (0, 14, 28):  # the final notice: the customer is warned
        await run(api, day(invoice, days))
    pid = w.partnership["id"]
    await api.ok(w.acme, "PATCH", f"/v1/partnerships/{pid}", json={"billing_mode": "customer"})
    renewal = await api.ok(w.acme, "POST", f"/v1/subscriptions/{order['subscription_id']}/renew")
    assert renewal["payer_id"] == w.acme.id  # later charges are the customer's
    old = await api.ok(w.agency, "GET", f"/v1/invoices/{invoice['id']}")
    assert (old["payer_id"], old["status"], old["amount_due"]) == (w.agency.id, "overdue", invoice["total"])
    assert_problem(await api.call(w.acme, "GET", f"/v1/invoices/{invoice['id']}"), 404, "not_found")
    acme_invoices = (await api.ok(w.acme, "GET", "/v1/invoices"))["data"]
    assert invoice["id"] not in {i["id"] for i in acme_invoices}
    assert all(i["payer_id"] == w.acme.id for i in acme_invoices)
