"""GET /v1/orders/{id}/explanation and the explanation of quotes, per viewer (SPEC §3, §11): the
customer never sees a rate, a cashback, a rebate or what its partner pays; a stranger gets 404;
an order placed before its terms were recorded still explains its amounts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.billing.explanation import StepName
from partnerbilling.db import transaction
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
from tests.support import Api, build_world


def _quoted(values: list[str]) -> list[str]:
    """The values as JSON strings, so that "0.2" is not found inside "120.00"."""
    return [json.dumps(v) for v in values]


@pytest.mark.parametrize("row", WHO_PAYS[:5], ids=ROW_IDS[:5])
async def test_the_customer_sees_no_rate_cashback_rebate_or_partner_paid_amount(
    api: Api, db: AsyncEngine, row: Row
) -> None:
    world = await world_for(api, row)
    # Quantity 3 of domain-ch (d = 0.05, P = 40.35): the cashback 2.02 and the rate 0.05 are
    # distinct from every amount the customer may see.
    payload = body(world, "domain-ch", 3)
    quote = await api.call(world.acme, "POST", "/v1/quotes", json=payload)
    order = await api.ok(org(world, row.orderer), "POST", "/v1/orders", json=payload)
    stored = await stored_amounts(db, order["id"])
    partner_view = await api.ok(world.agency, "GET", f"/v1/orders/{order['id']}")
    partners = await api.ok(world.agency, "GET", f"/v1/orders/{order['id']}/explanation")
    (rate_step,) = [s for s in partners["explanation"] if s["step"] == "rate"]
    hidden = [rate_step["result"]["rate"], "0.0500"]
    if partner_view["cashback"] is not None:
        hidden += [partner_view["cashback"]["rate"], partner_view["cashback"]["amount"]]
    if row.payer == "agency":
        hidden += [f"{stored[k]:.2f}" for k in ("discount", "net_amount", "tax", "total") if stored[k]]
        # A net equal to the public amount (no rebate) tells nothing the customer does not see.
        hidden = [h for h in hidden if h not in ("0.00", f"{stored['public_amount']:.2f}")]
        assert len(hidden) >= 4
    explained = await api.ok(world.acme, "GET", f"/v1/orders/{order['id']}/explanation")
    texts = [json.dumps(explained)]
    if row.orderer == "acme":
        assert quote.status_code == 200
        texts.append(quote.text)
    for body_text in texts:
        for secret in _quoted(hidden):
            assert secret not in body_text, (secret, body_text)
        assert '"benefit": null' in body_text or '"benefit":null' in body_text
        assert '"step": "rate"' not in body_text and '"step":"rate"' not in body_text
        assert '"step": "cashback"' not in body_text and '"step":"cashback"' not in body_text
    steps = [s["step"] for s in explained["explanation"]]
    if row.payer == "agency":
        assert steps == ["route", "public_amount"]
    else:
        assert steps == ["route", "public_amount", "discount", "net_amount", "tax", "total"]
        assert_recomputes_stored(explained["explanation"], stored)


async def test_the_partner_that_does_not_pay_sees_route_rate_public_amount_and_cashback(api: Api) -> None:
    world = await build_world(api)
    order = await api.ok(world.acme, "POST", "/v1/orders", json=body(world, "domain-ch", 3))
    explained = await api.ok(world.agency, "GET", f"/v1/orders/{order['id']}/explanation")
    steps = {s["step"]: s for s in explained["explanation"]}
    assert list(steps) == ["route", "rate", "public_amount", "cashback"]
    assert steps["route"]["result"] == {"payer": "customer", "payer_id": world.acme.id, "benefit": "cashback"}
    assert steps["rate"]["inputs"] == {"tier": "gold", "category": "domain", "source": "category"}
    cashback = {"exact": "2.0175", "rounded": "2.02", "rounding": "half_up"}
    assert steps["cashback"]["result"]["amount"] == cashback


async def test_a_stranger_gets_404_on_an_orders_explanation(api: Api) -> None:
    world = await build_world(api)
    order = await api.ok(world.agency, "POST", "/v1/orders", json=body(world))
    response = await api.call(world.stranger, "GET", f"/v1/orders/{order['id']}/explanation")
    assert_problem(response, 404, "not_found")
    assert_problem(await api.call(world.acme, "GET", "/v1/orders/ord_nothing/explanation"), 404, "not_found")


async def test_an_order_placed_before_its_terms_were_recorded_says_unknown(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    order = await api.ok(world.acme, "POST", "/v1/orders", json=body(world, "domain-ch", 3))
    async with transaction(db) as conn:
        await conn.execute(
            text(
                "UPDATE orders SET access = NULL, billing_mode = NULL, tier_code = NULL,"
                " category = NULL, rate_source = NULL WHERE id = :id"
            ),
            {"id": order["id"]},
        )
    explained = await api.ok(world.agency, "GET", f"/v1/orders/{order['id']}/explanation")
    steps = {s["step"]: s for s in explained["explanation"]}
    assert steps["route"]["inputs"] == {"access": "unknown", "billing_mode": "customer", "channel": "direct"}
    assert steps["rate"]["inputs"] == {"tier": "unknown", "category": "unknown", "source": "unknown"}
    assert steps["rate"]["result"] == {"rate": "0.05"}
    assert_recomputes_stored(explained["explanation"], await stored_amounts(db, order["id"]))


async def test_the_openapi_document_describes_every_step(api: Api) -> None:
    document = (await api.client.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    step = schemas["ExplanationStep"]["properties"]["step"]
    assert step["enum"] == [name.value for name in StepName]
    amount = schemas["ExplainedAmount"]["properties"]
    assert set(amount) == {"exact", "rounded", "rounding"}
    for model in ("QuoteRead", "OrderExplanationRead"):
        described = schemas[model]["properties"]["explanation"]["description"]
        assert all(f"`{name.value}`" in described for name in StepName), model
    assert "quoteOrder" in json.dumps(document["paths"]["/v1/quotes"])
    assert "explainOrder" in json.dumps(document["paths"]["/v1/orders/{order_id}/explanation"])
