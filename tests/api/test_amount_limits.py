"""A charge whose amounts a money column cannot hold is a 422 naming the quantity, decided before
anything is written."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem
from tests.support import Api, World, build_world, counts

TABLES = ("orders", "subscriptions", "invoices", "cashback_entries", "events")


async def _product(api: Api, price: str) -> None:
    await api.ok(
        None,
        "PUT",
        "/v1/admin/products/big-iron",
        json={"name": "Big Iron", "category": "hosting", "period_months": 12, "prices": {"CHF": price}},
    )


async def test_an_order_too_large_to_store_is_a_422_naming_the_quantity(api: Api, db: AsyncEngine) -> None:
    world: World = await build_world(api)
    await _product(api, "9999999999.99")
    before = await counts(db, TABLES)
    for who in (world.acme, world.agency):  # the customer pays, the partner's cashback is computed
        response = await api.call(
            who,
            "POST",
            "/v1/orders",
            json={"customer_id": world.acme.id, "sku": "big-iron", "quantity": 1000},
        )
        problem = assert_problem(response, 422, "validation_error")
        assert [error["loc"] for error in problem["errors"]] == [["body", "quantity"]], problem
    assert await counts(db, TABLES) == before
    assert (await api.ok(world.acme, "GET", "/v1/orders"))["data"] == []
    # The same product in a quantity whose total fits is charged.
    order = await api.order(world.acme, world.acme, "big-iron", 90)
    assert order["public_amount"] == "899999999999.10"


async def test_a_renewal_too_large_to_store_is_refused(api: Api, db: AsyncEngine) -> None:
    world: World = await build_world(api)
    await _product(api, "10.00")
    order = await api.order(world.acme, world.acme, "big-iron", 1000)
    await _product(api, "9999999999.99")  # the price rose since
    before = await counts(db, TABLES)
    response = await api.call(world.acme, "POST", f"/v1/subscriptions/{order['subscription_id']}/renew")
    problem = assert_problem(response, 422, "validation_error")
    assert "too large" in problem["detail"], problem
    assert await counts(db, TABLES) == before
