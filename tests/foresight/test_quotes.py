"""POST /v1/quotes (SPEC §11): the charge an order placed now would make, from the same planner,
with the rights of POST /v1/orders, redacted for the caller, and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem
from tests.foresight.support import (
    ROW_IDS,
    WHO_PAYS,
    Row,
    assert_recomputes_stored,
    body,
    org,
    stored_amounts,
    world_for,
)
from tests.support import Api, build_world, counts

CHARGE_KEYS = {"payer_id", "channel", "currency", "public_amount", "discount", "net_amount", "tax_rate",
               "tax", "total", "cashback"}  # fmt: skip
# When the charge is invoiced (SPEC §15).
INVOICED = ("invoiced", "invoiced_at")


@pytest.mark.parametrize("row", WHO_PAYS, ids=ROW_IDS)
async def test_a_quote_then_the_order_gives_the_same_charge(api: Api, db: AsyncEngine, row: Row) -> None:
    world = await world_for(api, row)
    caller = org(world, row.orderer)
    before = await counts(db)
    quote = await api.ok(caller, "POST", "/v1/quotes", json=body(world, quantity=3))
    assert await counts(db) == before, "a quote writes nothing and takes no number"
    order = await api.ok(caller, "POST", "/v1/orders", json=body(world, quantity=3))

    assert quote.keys() == CHARGE_KEYS | {"customer_id", "sku", "quantity", "explanation", *INVOICED}
    assert (quote["invoiced"], quote["invoiced_at"]) == (
        ("at_once", None) if caller.id == order["payer_id"] else (None, None)
    )
    assert (quote["customer_id"], quote["sku"], quote["quantity"]) == (world.acme.id, "web-hosting-pro", 3)
    assert quote["payer_id"] == order["payer_id"] == org(world, row.payer).id
    for key in ("channel", "currency", "public_amount", "discount", "net_amount"):
        assert quote[key] == order[key], key
    assert quote["cashback"] == (
        None if order["cashback"] is None else {k: order["cashback"][k] for k in ("rate", "amount")}
    )
    stored = await stored_amounts(db, order["id"])
    if caller.id == order["payer_id"]:
        assert Decimal(quote["tax"]) == stored["tax"]
        assert Decimal(quote["total"]) == stored["total"]
    else:
        assert quote["tax"] is quote["total"] is quote["tax_rate"] is None

    explained = await api.ok(caller, "GET", f"/v1/orders/{order['id']}/explanation")
    assert {k: v for k, v in explained.items() if k not in INVOICED} == {
        "order_id": order["id"],
        "explanation": quote["explanation"],
    }
    assert assert_recomputes_stored(quote["explanation"], stored) >= 1


@pytest.mark.parametrize("row", WHO_PAYS[:4], ids=ROW_IDS[:4])
async def test_the_other_party_gets_the_same_explanation_as_the_platform_computes(
    api: Api, db: AsyncEngine, row: Row
) -> None:
    """Between the two parties every amount is shown once and recomputes to the stored one."""
    world = await world_for(api, row)
    order = await api.ok(org(world, row.orderer), "POST", "/v1/orders", json=body(world, "domain-ch", 3))
    stored = await stored_amounts(db, order["id"])
    seen: set[str] = set()
    for party in (world.acme, world.agency):
        explained = await api.ok(party, "GET", f"/v1/orders/{order['id']}/explanation")
        assert_recomputes_stored(explained["explanation"], stored)
        seen |= {s["step"] for s in explained["explanation"]}
    expected = {"route", "rate", "public_amount", "discount", "net_amount", "tax", "total"}
    assert seen == expected | ({"cashback"} if stored["cashback"] is not None else set())


async def test_worked_example_c_quoted_by_the_customer(api: Api) -> None:
    world = await build_world(api)
    quote = await api.ok(world.acme, "POST", "/v1/quotes", json=body(world, "domain-ch", 3))
    assert {k: quote[k] for k in CHARGE_KEYS} == {
        "payer_id": world.acme.id, "channel": "direct", "currency": "CHF", "public_amount": "40.35",
        "discount": "0.00", "net_amount": "40.35", "tax_rate": "0.081", "tax": "3.27", "total": "43.62",
        "cashback": None,
    }  # fmt: skip
    tax = next(s for s in quote["explanation"] if s["step"] == "tax")
    assert tax["result"]["amount"] == {"exact": "3.26835", "rounded": "3.27", "rounding": "half_up"}


async def test_the_partner_sees_its_cashback_and_not_the_customers_price(api: Api) -> None:
    world = await build_world(api)
    quote = await api.ok(world.agency, "POST", "/v1/quotes", json=body(world, "domain-ch", 3))
    assert quote["cashback"] == {"rate": "0.05", "amount": "2.02"}
    assert quote["discount"] is quote["net_amount"] is quote["tax"] is quote["total"] is None
    steps = [s["step"] for s in quote["explanation"]]
    assert steps == ["route", "rate", "public_amount", "cashback"]
    cashback = quote["explanation"][-1]["result"]["amount"]
    assert cashback == {"exact": "2.0175", "rounded": "2.02", "rounding": "half_up"}


async def test_a_quote_has_the_rights_of_an_order(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api, access="limited")
    before = await counts(db)
    assert_problem(await api.call(world.stranger, "POST", "/v1/quotes", json=body(world)), 404, "not_found")
    assert_problem(await api.call(world.agency, "POST", "/v1/quotes", json=body(world)), 403, "forbidden")
    unknown = {**body(world), "customer_id": "org_nobody"}
    assert_problem(await api.call(world.acme, "POST", "/v1/quotes", json=unknown), 404, "not_found")
    no_sku = body(world, sku="no-such-sku")
    assert_problem(await api.call(world.acme, "POST", "/v1/quotes", json=no_sku), 422, "unknown_product")
    too_many = body(world, quantity=1001)
    assert_problem(await api.call(world.acme, "POST", "/v1/quotes", json=too_many), 422, "validation_error")
    assert await counts(db) == before


async def test_a_quote_in_a_currency_without_a_price_is_refused_like_the_order(api: Api) -> None:
    await api.gold_catalogue()
    euro = await api.org("Euro GmbH", currency="EUR")
    payload = {"customer_id": euro.id, "sku": "domain-ch", "quantity": 1}
    quote = await api.call(euro, "POST", "/v1/quotes", json=payload)
    order = await api.call(euro, "POST", "/v1/orders", json=payload)
    assert_problem(quote, 422, "price_not_available")
    assert_problem(order, 422, "price_not_available")
