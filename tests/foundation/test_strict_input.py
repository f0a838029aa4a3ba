"""Strict input: a boolean is only true or false, an integer only a JSON integer, a time only an
RFC 3339 string with a time zone; each lax value is a 422 naming the field, and nothing changes."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_refused_field
from tests.support import ADMIN_TOKEN, Api, Org, World, build_world, count

JSON = {"Content-Type": "application/json"}
# The platform, for calls that send headers of their own.
PLATFORM = Org("platform", ADMIN_TOKEN, {})

# Raw JSON texts, so that numbers reach the service exactly as written.
LAX_INTEGERS = ["true", "false", '"1"', '" 5 "', '"1_000"', "1e2", "2.0", "2.0000000000000001", "1.5"]
LAX_BOOLEANS = ['"yes"', '"true"', "0", "1", '"1"', '"on"']
LAX_TIMES = [
    "0",
    "1700000000",
    '"1700000000"',
    "true",
    '"2027-01-01"',
    '"2027-01-01T00:00:00"',  # no time zone
    '"2027-01-01 00:00"',
    '"20270101T000000Z"',
    '"2027-02-30T00:00:00Z"',
    '"2027-01-01T24:00:00Z"',
    '"2027-01-01T00:00:00+24:00"',
    '"0001-01-01T00:00:00Z"',
    '"0001-01-01T00:00:00+23:59"',
    '"1900-01-01T00:00:00Z"',
    '"1970-01-01T00:30:00+01:00"',  # 1969 in UTC
    '"9999-12-31T23:59:59-23:59"',  # year 10000 in UTC
    '"next tuesday"',
    "{}",
]


def _ids(values: list[str]) -> list[str]:
    return [value[:30] for value in values]


@pytest.fixture
async def world(api: Api) -> World:
    return await build_world(api)


@pytest.mark.parametrize("quantity", LAX_INTEGERS, ids=_ids(LAX_INTEGERS))
async def test_an_order_quantity_must_be_a_json_integer(
    api: Api, db: AsyncEngine, world: World, quantity: str
) -> None:
    body = f'{{"customer_id": "{world.acme.id}", "sku": "web-hosting-pro", "quantity": {quantity}}}'
    response = await api.call(world.acme, "POST", "/v1/orders", content=body, headers=JSON)
    assert_refused_field(response, "quantity")
    assert (await api.ok(world.acme, "GET", "/v1/orders"))["data"] == []
    assert await count(db, "subscriptions") == 0


@pytest.mark.parametrize("months", LAX_INTEGERS, ids=_ids(LAX_INTEGERS))
async def test_a_product_period_must_be_a_json_integer(api: Api, months: str) -> None:
    body = f'{{"name": "P", "category": "hosting", "period_months": {months}, "prices": {{"CHF": "1.00"}}}}'
    response = await api.call(PLATFORM, "PUT", "/v1/admin/products/p1", content=body, headers=JSON)
    assert_refused_field(response, "period_months")
    assert (await api.ok(None, "GET", "/v1/products"))["data"] == []


@pytest.mark.parametrize("enabled", LAX_BOOLEANS, ids=_ids(LAX_BOOLEANS))
async def test_a_webhook_endpoint_flag_must_be_a_json_boolean(api: Api, world: World, enabled: str) -> None:
    url = "https://example.com/hook"
    response = await api.call(
        world.acme,
        "POST",
        "/v1/webhook-endpoints",
        content=f'{{"url": "{url}", "enabled": {enabled}}}',
        headers=JSON,
    )
    assert_refused_field(response, "enabled")
    assert (await api.ok(world.acme, "GET", "/v1/webhook-endpoints"))["data"] == []

    endpoint = await api.ok(world.acme, "POST", "/v1/webhook-endpoints", json={"url": url, "enabled": False})
    path = f"/v1/webhook-endpoints/{endpoint['id']}"
    response = await api.call(world.acme, "PATCH", path, content=f'{{"enabled": {enabled}}}', headers=JSON)
    assert_refused_field(response, "enabled")
    assert (await api.ok(world.acme, "GET", path))["enabled"] is False


@pytest.mark.parametrize("as_of", LAX_TIMES, ids=_ids(LAX_TIMES))
async def test_a_renewal_run_time_must_be_an_rfc3339_string_in_range(
    api: Api, db: AsyncEngine, world: World, as_of: str
) -> None:
    await api.order(world.acme, world.acme, "web-hosting-pro")
    response = await api.call(
        PLATFORM, "POST", "/v1/admin/renewals/run", content=f'{{"as_of": {as_of}}}', headers=JSON
    )
    assert_refused_field(response, "as_of")
    assert await count(db, "orders") == 1


@pytest.mark.parametrize("paid_at", LAX_TIMES, ids=_ids(LAX_TIMES))
async def test_a_payment_time_must_be_an_rfc3339_string_in_range(
    api: Api, world: World, paid_at: str
) -> None:
    order = await api.order(world.acme, world.acme, "web-hosting-pro")
    path = f"/v1/admin/invoices/{order['invoice_id']}/pay"
    response = await api.call(PLATFORM, "POST", path, content=f'{{"paid_at": {paid_at}}}', headers=JSON)
    assert_refused_field(response, "paid_at")
    invoice = await api.ok(world.acme, "GET", f"/v1/invoices/{order['invoice_id']}")
    assert (invoice["status"], invoice["paid_at"]) == ("issued", None)


@pytest.mark.parametrize(
    "query",
    ["limit=1.0", "limit=true", "limit=%205", "limit=5%20", "limit=1_0", "limit=%2B5", "limit=1e1", "limit="],
)
@pytest.mark.parametrize("path", ["/v1/orders", "/v1/invoices", "/v1/products", "/v1/events"])
async def test_a_page_size_must_be_written_in_digits(api: Api, world: World, path: str, query: str) -> None:
    assert_refused_field(await api.call(world.acme, "GET", f"{path}?{query}"), "limit")


async def test_a_page_size_in_digits_is_accepted(api: Api, world: World) -> None:
    await api.order(world.acme, world.acme, "web-hosting-pro")
    await api.order(world.acme, world.acme, "domain-ch")
    page = await api.ok(world.acme, "GET", "/v1/orders?limit=1")
    assert len(page["data"]) == 1 and page["next_cursor"]
    assert len((await api.ok(world.acme, "GET", "/v1/products?limit=100"))["data"]) == 2


@pytest.mark.parametrize(
    "stamp", ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59", "1900-01-01T00:00:00+00:00"]
)
async def test_a_cursor_with_a_time_out_of_range_is_refused(api: Api, world: World, stamp: str) -> None:
    cursor = base64.urlsafe_b64encode(f"{stamp}|ord_x".encode()).decode().rstrip("=")
    assert_refused_field(await api.call(world.acme, "GET", f"/v1/orders?cursor={cursor}"), "cursor")
