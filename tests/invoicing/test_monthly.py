"""One invoice a month (SPEC §15): charges to a monthly payer wait unbilled; the close issues one
invoice per payer and currency, VAT once on the sum of the nets; its payment makes each charge's
cashback available."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.invariants import check_database
from tests.invoicing.support import close, monthly, next_month, pay
from tests.support import Api, build_world, count, rows


async def _cashback(db: AsyncEngine) -> dict[str, str]:
    found = await rows(db, "SELECT order_id, status FROM cashback_entries")
    return {row.order_id: row.status for row in found}


async def test_the_worked_example_three_charges_two_customers_one_invoice(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api, billing_mode="partner")
    beta = await api.org("Beta")
    await api.partnership(beta, w.agency, billing_mode="partner")
    await monthly(api, w.agency)

    # 1: WebAgency orders hosting for Acme and pays it: rebate, net 96.00 (tax alone 7.78).
    hosting = await api.order(w.agency, w.acme, "web-hosting-pro")
    # 2: Acme orders 3 × domain-ch, WebAgency pays: net 40.35 (tax alone 3.27), cashback 2.02.
    domains = await api.order(w.acme, w.acme, "domain-ch", 3)
    # 3: WebAgency orders hosting for Beta: net 96.00 (tax alone 7.78).
    beta_hosting = await api.order(w.agency, beta, "web-hosting-pro")

    for order in (hosting, domains, beta_hosting):
        assert order["subscription_id"] is not None
    assert hosting["invoice_id"] is None and hosting["billing_status"] == "unbilled"
    assert await count(db, "invoices") == 0
    assert await count(db, "subscriptions", "status = 'active'") == 3
    assert (await _cashback(db))[domains["id"]] == "pending"

    unbilled = await api.ok(w.agency, "GET", "/v1/charges/unbilled")
    assert [o["id"] for o in unbilled["data"]] == [hosting["id"], domains["id"], beta_hosting["id"]]
    assert unbilled["totals"] == [{"currency": "CHF", "net_amount": "232.35"}]
    # The other side sees nothing of it: Acme pays none of them.
    assert await api.ok(w.acme, "GET", "/v1/charges/unbilled") == {"data": [], "totals": []}
    acme_view = await api.ok(w.acme, "GET", f"/v1/orders/{domains['id']}")
    assert acme_view["billing_status"] is None and acme_view["invoice_id"] is None

    as_of = next_month()
    report = await close(api, as_of)
    assert (report["invoices"], report["charges"], report["failed"]) == (1, 3, 0)

    [invoice] = (await api.ok(w.agency, "GET", "/v1/invoices"))["data"]
    assert [line["order_id"] for line in invoice["lines"]] == [
        hosting["id"],
        domains["id"],
        beta_hosting["id"],
    ]
    assert [line["customer_id"] for line in invoice["lines"]] == [w.acme.id, w.acme.id, beta.id]
    assert invoice["subtotal"] == "232.35"
    # BR-CO-17: round(232.35 × 0.081) = 18.82, where the three taxes apart would add to 18.83.
    assert (invoice["tax"], invoice["total"]) == ("18.82", "251.17")
    assert invoice["payment_reference"] is not None
    assert (await api.ok(w.acme, "GET", "/v1/invoices"))["data"] == []
    billed = await api.ok(w.agency, "GET", f"/v1/orders/{domains['id']}")
    assert (billed["invoice_id"], billed["billing_status"]) == (invoice["id"], "billed")
    assert (await api.ok(w.agency, "GET", "/v1/charges/unbilled"))["data"] == []

    # A second close with the same as_of issues nothing.
    again = await close(api, as_of)
    assert (again["invoices"], again["charges"]) == (0, 0)
    assert await count(db, "invoices") == 1
    assert (await _cashback(db))[domains["id"]] == "pending"

    await pay(api, invoice, "BANK-1")
    assert (await _cashback(db))[domains["id"]] == "available"
    [entry] = await rows(db, "SELECT amount FROM account_entries WHERE org_id = :o AND kind = 'cashback'",
                         o=w.agency.id)  # fmt: skip
    assert str(entry.amount) == "2.02"
    assert await check_database(db) == []


async def test_a_later_close_bills_what_arrived_since_and_per_charge_is_billed_at_once(
    api: Api, db: AsyncEngine
) -> None:
    w = await build_world(api)
    await monthly(api, w.acme)
    first = await api.order(w.acme, w.acme, "domain-ch")
    report = await close(api, next_month())
    assert report["invoices"] == 1
    second = await api.order(w.acme, w.acme, "domain-ch")
    assert second["billing_status"] == "unbilled"

    # Switching to per_charge: new charges are billed at once, the waiting one at the next close.
    await monthly(api, w.acme, "per_charge")
    third = await api.order(w.acme, w.acme, "domain-ch")
    assert third["billing_status"] == "billed" and third["invoice_id"] is not None
    unbilled = await api.ok(w.acme, "GET", "/v1/charges/unbilled")
    assert [o["id"] for o in unbilled["data"]] == [second["id"]]
    later = await close(api, next_month())
    assert (later["invoices"], later["charges"]) == (1, 1)
    invoices: list[dict[str, Any]] = (await api.ok(w.acme, "GET", "/v1/invoices"))["data"]
    assert len(invoices) == 3
    assert first["id"] != second["id"]
    assert await check_database(db) == []


async def test_the_close_is_for_the_platform_and_as_of_at_most_a_year_ahead(api: Api) -> None:
    w = await build_world(api)
    refused = await api.call(w.acme, "POST", "/v1/admin/invoicing/close", json={})
    assert refused.status_code in (401, 403)
    far = await api.admin("POST", "/v1/admin/invoicing/close", json={"as_of": "2207-01-01T00:00:00Z"})
    assert far.status_code == 422
    assert (await api.call(w.stranger, "GET", "/v1/charges/unbilled")).json() == {"data": [], "totals": []}
