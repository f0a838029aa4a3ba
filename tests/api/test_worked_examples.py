"""SPEC §2's worked examples end to end over HTTP, and each viewer's view of them (SPEC §3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import ORDER_KEYS, assert_problem, invoice_number, this_year
from tests.support import Api, Org, World, build_world, count, counts


@dataclass(frozen=True)
class Example:
    """One row of SPEC §2's worked-examples table (Acme is the customer, WebAgency the partner)."""

    case: str
    billing_mode: str
    orderer: str  # "agency" or "acme"
    sku: str
    quantity: int
    payer: str  # "agency" or "acme"
    channel: str
    unit_price: str
    public: str
    discount: str
    net: str
    tax: str
    total: str
    cashback: str | None
    rate: str | None


EXAMPLES = [
    Example(
        "A", "customer", "agency", "web-hosting-pro", 1, "acme", "partner",
        "120.00", "120.00", "0.00", "120.00", "9.72", "129.72", "24.00", "0.2",
    ),
    Example(
        "B", "partner", "agency", "web-hosting-pro", 1, "agency", "partner",
        "120.00", "120.00", "24.00", "96.00", "7.78", "103.78", None, None,
    ),
    Example(
        "C", "customer", "acme", "domain-ch", 3, "acme", "direct",
        "13.45", "40.35", "0.00", "40.35", "3.27", "43.62", "2.02", "0.05",
    ),
    Example(
        "D", "partner", "acme", "domain-ch", 3, "agency", "direct",
        "13.45", "40.35", "0.00", "40.35", "3.27", "43.62", "2.02", "0.05",
    ),
]  # fmt: skip


def _org(w: World, name: str) -> Org:
    return {"acme": w.acme, "agency": w.agency}[name]


async def _get(api: Api, who: Org, path: str) -> dict[str, Any]:
    found: dict[str, Any] = await api.ok(who, "GET", path)
    return found


def _assert_order_common(order: dict[str, Any], w: World, ex: Example) -> None:
    assert order.keys() == ORDER_KEYS
    assert order["kind"] == "new"
    assert order["channel"] == ex.channel
    assert order["customer_id"] == w.acme.id
    assert order["placed_by_id"] == _org(w, ex.orderer).id
    assert order["partnership_id"] == w.partnership["id"]
    assert order["sku"] == ex.sku
    assert order["quantity"] == ex.quantity
    assert order["currency"] == "CHF"
    assert order["payer_id"] == _org(w, ex.payer).id
    assert order["public_amount"] == ex.public


def _expected_cashback(ex: Example, status: str = "pending") -> dict[str, str | None] | None:
    if ex.cashback is None:
        return None
    return {"rate": ex.rate, "amount": ex.cashback, "status": status}


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda ex: ex.case)
async def test_worked_example_order_and_its_views(api: Api, db: AsyncEngine, ex: Example) -> None:
    w = await build_world(api, billing_mode=ex.billing_mode)
    payer = _org(w, ex.payer)
    placed = await api.order(_org(w, ex.orderer), w.acme, ex.sku, ex.quantity)

    # The orderer's own answer, as it may see it.
    _assert_order_common(placed, w, ex)
    for viewer in (w.acme, w.agency):
        view = await _get(api, viewer, f"/v1/orders/{placed['id']}")
        _assert_order_common(view, w, ex)
        assert view["id"] == placed["id"]
        assert view["created_at"] == placed["created_at"]
        if viewer.id == payer.id:
            assert (view["discount"], view["net_amount"]) == (ex.discount, ex.net)
            assert view["invoice_id"] is not None
        else:
            assert (view["discount"], view["net_amount"], view["invoice_id"]) == (None, None, None)
        # The cashback: the partner's only, never the customer's.
        assert view["cashback"] == (_expected_cashback(ex) if viewer is w.agency else None)
        if viewer.id == _org(w, ex.orderer).id:
            assert placed == view
    assert_problem(await api.call(w.stranger, "GET", f"/v1/orders/{placed['id']}"), 404, "not_found")

    # The invoice: the payer's alone.
    invoice_id = (await _get(api, payer, f"/v1/orders/{placed['id']}"))["invoice_id"]
    invoice = await _get(api, payer, f"/v1/invoices/{invoice_id}")
    assert invoice["number"] == invoice_number(this_year(), 1)
    assert invoice == {
        **invoice,
        "id": invoice_id,
        "kind": "invoice",
        "credits_invoice_id": None,
        "payer_id": payer.id,
        "customer_id": w.acme.id,
        "order_id": placed["id"],
        "currency": "CHF",
        "subtotal": ex.net,
        "tax_rate": "0.081",
        "tax": ex.tax,
        "total": ex.total,
        "status": "issued",
        "paid_at": None,
    }
    [line] = invoice["lines"]
    assert line == {
        **line,
        "sku": ex.sku,
        "quantity": ex.quantity,
        "unit_price": ex.unit_price,
        "amount": ex.public,
        "discount": ex.discount,
        "net_amount": ex.net,
    }
    assert isinstance(line["description"], str) and line["description"]
    non_payer = w.agency if payer is w.acme else w.acme
    for outsider in (non_payer, w.stranger):
        assert_problem(await api.call(outsider, "GET", f"/v1/invoices/{invoice_id}"), 404, "not_found")
    assert [i["id"] for i in (await _get(api, payer, "/v1/invoices"))["data"]] == [invoice_id]
    assert (await _get(api, non_payer, "/v1/invoices"))["data"] == []

    # The cashback entry and balance: the partner's only.
    entries = (await _get(api, w.agency, "/v1/cashback/entries"))["data"]
    balances = (await _get(api, w.agency, "/v1/cashback/balance"))["balances"]
    if ex.cashback is None:
        assert entries == []
        assert balances == []
    else:
        [entry] = entries
        assert entry == {
            **entry,
            "partner_id": w.agency.id,
            "customer_id": w.acme.id,
            "order_id": placed["id"],
            "currency": "CHF",
            "rate": ex.rate,
            "amount": ex.cashback,
            "status": "pending",
        }
        assert balances == [{"currency": "CHF", "pending": ex.cashback, "available": "0.00"}]
    for outsider in (w.acme, w.stranger):
        assert (await _get(api, outsider, "/v1/cashback/entries"))["data"] == []
        assert (await _get(api, outsider, "/v1/cashback/balance"))["balances"] == []

    # Everything in one transaction, exactly once.
    assert await counts(db, ("orders", "subscriptions", "invoices", "cashback_entries")) == {
        "orders": 1,
        "subscriptions": 1,
        "invoices": 1,
        "cashback_entries": 0 if ex.cashback is None else 1,
    }

    # The subscription lives in the customer's organisation; the partner sees it while active.
    sub_path = f"/v1/subscriptions/{placed['subscription_id']}"
    for viewer in (w.acme, w.agency):
        sub = await _get(api, viewer, sub_path)
        assert sub == {
            **sub,
            "id": placed["subscription_id"],
            "customer_id": w.acme.id,
            "sku": ex.sku,
            "quantity": ex.quantity,
            "origin_channel": ex.channel,
            "status": "active",
            "auto_renew": True,
        }
    assert_problem(await api.call(w.stranger, "GET", sub_path), 404, "not_found")

    # After the partnership ends, the partner loses the subscription but keeps what was charged
    # in its partnership: the order, its cashback, and its own invoice.
    await api.ok(w.acme, "POST", f"/v1/partnerships/{w.partnership['id']}/end")
    assert_problem(await api.call(w.agency, "GET", sub_path), 404, "not_found")
    assert (await _get(api, w.agency, "/v1/subscriptions"))["data"] == []
    assert (await _get(api, w.acme, sub_path))["id"] == placed["subscription_id"]
    after = await _get(api, w.agency, f"/v1/orders/{placed['id']}")
    assert after["cashback"] == _expected_cashback(ex)
    assert after["payer_id"] == payer.id
    await api.ok(payer, "GET", f"/v1/invoices/{invoice_id}")


@pytest.mark.parametrize("state", ["none", "pending", "ended"])
async def test_without_an_active_partnership_the_customer_pays_the_public_price(
    api: Api, db: AsyncEngine, state: str
) -> None:
    await api.gold_catalogue()
    acme = await api.org("Acme")
    agency = await api.org("WebAgency", reseller_tier="gold")
    if state != "none":
        # Partner mode, so that a partnership wrongly taken into account would change the payer.
        created = await api.ok(
            acme,
            "POST",
            "/v1/partnerships",
            json={"partner_id": agency.id, "access": "full", "billing_mode": "partner"},
        )
        if state == "ended":
            await api.ok(agency, "POST", f"/v1/partnerships/{created['id']}/accept")
            await api.ok(acme, "POST", f"/v1/partnerships/{created['id']}/end")

    order = await api.order(acme, acme, "web-hosting-pro")
    assert order == {
        **order,
        "channel": "direct",
        "partnership_id": None,
        "payer_id": acme.id,
        "currency": "CHF",
        "public_amount": "120.00",
        "discount": "0.00",
        "net_amount": "120.00",
        "cashback": None,
    }
    invoice = await api.ok(acme, "GET", f"/v1/invoices/{order['invoice_id']}")
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == ("120.00", "9.72", "129.72")
    assert await count(db, "cashback_entries") == 0
    assert (await api.ok(agency, "GET", "/v1/cashback/entries"))["data"] == []
    assert_problem(await api.call(agency, "GET", f"/v1/orders/{order['id']}"), 404, "not_found")
    assert (await api.ok(agency, "GET", "/v1/orders"))["data"] == []
    # Nor may the would-be partner order for the customer.
    response = await api.call(
        agency, "POST", "/v1/orders", json={"customer_id": acme.id, "sku": "web-hosting-pro", "quantity": 1}
    )
    assert_problem(response, 404, "not_found")


async def test_the_payers_currency_decides_the_price(api: Api) -> None:
    await api.gold_catalogue()
    euro = await api.org("Euro GmbH", currency="EUR", vat_rate="0.19")
    agency = await api.org("WebAgency", reseller_tier="gold")
    p = await api.partnership(euro, agency)

    # Mode customer: the EUR customer pays in EUR; the cashback is in EUR too.
    by_customer = await api.order(agency, euro, "web-hosting-pro")
    assert (by_customer["currency"], by_customer["payer_id"]) == ("EUR", euro.id)
    assert (by_customer["public_amount"], by_customer["discount"]) == ("125.00", None)
    assert by_customer["cashback"] == {"rate": "0.2", "amount": "25.00", "status": "pending"}
    invoice = await api.ok(euro, "GET", f"/v1/orders/{by_customer['id']}")
    invoice = await api.ok(euro, "GET", f"/v1/invoices/{invoice['invoice_id']}")
    assert (invoice["currency"], invoice["subtotal"], invoice["tax_rate"]) == ("EUR", "125.00", "0.19")
    assert (invoice["tax"], invoice["total"]) == ("23.75", "148.75")
    assert (await api.ok(agency, "GET", "/v1/cashback/balance"))["balances"] == [
        {"currency": "EUR", "pending": "25.00", "available": "0.00"}
    ]

    # Mode partner: the CHF partner pays in CHF, at its own VAT rate.
    await api.ok(euro, "PATCH", f"/v1/partnerships/{p['id']}", json={"billing_mode": "partner"})
    by_partner = await api.order(agency, euro, "web-hosting-pro")
    assert (by_partner["currency"], by_partner["payer_id"]) == ("CHF", agency.id)
    assert (by_partner["public_amount"], by_partner["discount"], by_partner["net_amount"]) == (
        "120.00",
        "24.00",
        "96.00",
    )
    invoice = await api.ok(agency, "GET", f"/v1/invoices/{by_partner['invoice_id']}")
    assert (invoice["currency"], invoice["tax_rate"], invoice["tax"], invoice["total"]) == (
        "CHF",
        "0.081",
        "7.78",
        "103.78",
    )


async def test_a_product_without_a_price_in_the_payers_currency_is_refused_and_nothing_written(
    api: Api, db: AsyncEngine
) -> None:
    await api.gold_catalogue()  # domain-ch has a CHF price only
    euro = await api.org("Euro GmbH", currency="EUR", vat_rate="0.19")
    agency = await api.org("WebAgency", reseller_tier="gold")
    p = await api.partnership(euro, agency)
    before = await counts(db)

    for who in (euro, agency):
        response = await api.call(
            who, "POST", "/v1/orders", json={"customer_id": euro.id, "sku": "domain-ch", "quantity": 1}
        )
        assert_problem(response, 422, "price_not_available")
    assert await counts(db) == before

    # With the CHF partner paying, the same product has a price; no invoice number was used up.
    await api.ok(euro, "PATCH", f"/v1/partnerships/{p['id']}", json={"billing_mode": "partner"})
    order = await api.order(euro, euro, "domain-ch", 3)
    assert (order["currency"], order["payer_id"], order["public_amount"]) == ("CHF", agency.id, "40.35")
    invoice_id = (await api.ok(agency, "GET", f"/v1/orders/{order['id']}"))["invoice_id"]
    invoice = await api.ok(agency, "GET", f"/v1/invoices/{invoice_id}")
    assert invoice["number"] == invoice_number(this_year(), 1)


async def test_a_limited_partner_may_not_order_and_a_stranger_cannot_see_the_customer(
    api: Api, db: AsyncEngine
) -> None:
    w = await build_world(api, access="limited")
    before = await counts(db)
    body = {"customer_id": w.acme.id, "sku": "web-hosting-pro", "quantity": 1}
    assert_problem(await api.call(w.agency, "POST", "/v1/orders", json=body), 403, "forbidden")
    assert_problem(await api.call(w.stranger, "POST", "/v1/orders", json=body), 404, "not_found")
    assert await counts(db) == before

    # The customer of a limited partnership orders itself: it pays P, the partner earns cashback.
    order = await api.order(w.acme, w.acme, "web-hosting-pro")
    assert order == {
        **order,
        "channel": "direct",
        "partnership_id": w.partnership["id"],
        "payer_id": w.acme.id,
        "discount": "0.00",
        "net_amount": "120.00",
        "cashback": None,
    }
    seen = await api.ok(w.agency, "GET", f"/v1/orders/{order['id']}")
    assert seen["cashback"] == {"rate": "0.2", "amount": "24.00", "status": "pending"}


async def test_a_stranger_may_not_order_for_a_customer_with_a_full_partner(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    before = await counts(db)
    body = {"customer_id": w.acme.id, "sku": "web-hosting-pro", "quantity": 1}
    assert_problem(await api.call(w.stranger, "POST", "/v1/orders", json=body), 404, "not_found")
    assert await counts(db) == before


async def test_in_partner_mode_the_invoice_is_the_partners_and_hidden_from_the_customer(api: Api) -> None:
    w = await build_world(api, billing_mode="partner")
    orders = [
        await api.order(w.agency, w.acme, "web-hosting-pro"),
        await api.order(w.acme, w.acme, "domain-ch", 3),
    ]
    partner_invoices = (await api.ok(w.agency, "GET", "/v1/invoices"))["data"]
    assert {i["order_id"] for i in partner_invoices} == {o["id"] for o in orders}
    assert all(i["payer_id"] == w.agency.id for i in partner_invoices)
    assert (await api.ok(w.acme, "GET", "/v1/invoices"))["data"] == []
    for invoice in partner_invoices:
        assert_problem(await api.call(w.acme, "GET", f"/v1/invoices/{invoice['id']}"), 404, "not_found")
    for order in orders:
        customer_view = await api.ok(w.acme, "GET", f"/v1/orders/{order['id']}")
        assert customer_view["payer_id"] == w.agency.id
        assert (customer_view["invoice_id"], customer_view["discount"], customer_view["net_amount"]) == (
            None,
            None,
            None,
        )
