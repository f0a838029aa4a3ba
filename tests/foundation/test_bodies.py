"""Request bodies: JSON only (415 otherwise), and one answer, a 422 naming the body, for every
body that cannot be read: invalid UTF-8, invalid JSON, JSON nested too deep."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.settings import Settings
from tests.asserts import assert_problem, assert_unreadable_body, assert_unsupported_media_type
from tests.support import ADMIN_TOKEN, Api, Org, World, build_world, count

ORG = {"name": "Acme", "billing_email": "billing@acme.example", "currency": "CHF", "vat_rate": "0.081"}
JSON = {"Content-Type": "application/json"}
# The platform, for calls that send headers of their own.
PLATFORM = Org("platform", ADMIN_TOKEN, {})

UNREADABLE = {
    "invalid UTF-8 in a string": b'{"name": "Acme \xff"}',
    "a truncated UTF-8 sequence": b'{"name": "\xc3"}',
    "an encoded surrogate": b'{"name": "\xed\xa0\x80"}',
    "an escaped lone surrogate": b'{"name": "\\ud800"}',
    "a byte order mark": b'\xef\xbb\xbf{"name": "Acme"}',
    "UTF-16": '{"name": "Acme"}'.encode("utf-16"),
    "NaN": b'{"vat_rate": NaN}',
    "an infinite number": b'{"vat_rate": 1e400}',
    "a 5000-digit number": b'{"vat_rate": 1' + b"0" * 5000 + b"}",
    "20,000 open arrays": b"[" * 20_000,
    "20,000 nested arrays": b"[" * 20_000 + b"]" * 20_000,
    "20,000 open objects": b'{"a":' * 20_000,
    "20,000 nested objects": b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    "65 nested arrays": b'{"name": ' + b"[" * 64 + b"]" * 64 + b"}",
    "unterminated": b'{"name": "Acme',
}


@pytest.fixture
async def world(api: Api) -> World:
    return await build_world(api)


@pytest.mark.parametrize("body", list(UNREADABLE.values()), ids=list(UNREADABLE))
async def test_an_unreadable_body_is_a_422_naming_the_body(api: Api, db: AsyncEngine, body: bytes) -> None:
    assert_unreadable_body(
        await api.call(PLATFORM, "POST", "/v1/admin/organizations", content=body, headers=JSON)
    )
    assert_unreadable_body(
        await api.call(PLATFORM, "PUT", "/v1/admin/products/p1", content=body, headers=JSON)
    )
    assert await count(db, "organizations") == 0
    assert await count(db, "products") == 0


@pytest.mark.parametrize("body", list(UNREADABLE.values()), ids=list(UNREADABLE))
async def test_an_unreadable_body_is_refused_where_the_body_is_optional(
    api: Api, world: World, body: bytes
) -> None:
    order = await api.order(world.acme, world.acme, "web-hosting-pro")
    invoice = await api.ok(world.acme, "GET", f"/v1/invoices/{order['invoice_id']}")
    pay = f"/v1/admin/invoices/{invoice['id']}/pay"
    assert_unreadable_body(await api.call(PLATFORM, "POST", pay, content=body, headers=JSON))
    assert await api.ok(world.acme, "GET", f"/v1/invoices/{invoice['id']}") == invoice
    # An operation that takes no body reads none, but an unreadable one is refused all the same.
    ended = f"/v1/partnerships/{world.partnership['id']}/end"
    assert_unreadable_body(await api.call(world.acme, "POST", ended, content=body, headers=JSON))
    assert (await api.ok(world.acme, "GET", f"/v1/partnerships/{world.partnership['id']}"))[
        "status"
    ] == "active"


async def test_json_nested_64_levels_deep_is_read(api: Api) -> None:
    """The limit is 64 levels: the body object and 63 arrays are read, then the field refused."""
    body = b'{"name": ' + b"[" * 63 + b"]" * 63 + b"}"
    problem = assert_problem(
        await api.call(PLATFORM, "POST", "/v1/admin/organizations", content=body, headers=JSON),
        422,
        "validation_error",
    )
    assert ["body", "name"] in [error["loc"] for error in problem["errors"]], problem


NOT_JSON: dict[str, dict[str, Any]] = {
    "text/plain": {"content": b'{"name": "Acme"}', "headers": {"Content-Type": "text/plain"}},
    "a form": {"data": {"name": "Acme"}},
    "multipart": {"files": {"name": ("name.txt", b"Acme")}},
    "no content type": {"content": b'{"name": "Acme"}'},
    "application/jsonl": {"content": b'{"name": "Acme"}', "headers": {"Content-Type": "application/jsonl"}},
    "text/json": {"content": b'{"name": "Acme"}', "headers": {"Content-Type": "text/json"}},
}


@pytest.mark.parametrize("kwargs", list(NOT_JSON.values()), ids=list(NOT_JSON))
async def test_a_body_that_is_not_sent_as_json_is_a_415(
    api: Api, db: AsyncEngine, world: World, kwargs: dict[str, Any]
) -> None:
    assert_unsupported_media_type(await api.call(PLATFORM, "POST", "/v1/admin/organizations", **kwargs))
    assert_unsupported_media_type(await api.call(PLATFORM, "PUT", "/v1/admin/products/p1", **kwargs))
    org = f"/v1/admin/organizations/{world.acme.id}"
    assert_unsupported_media_type(await api.call(PLATFORM, "PATCH", org, **kwargs))
    assert_unsupported_media_type(await api.call(world.acme, "POST", "/v1/orders", **kwargs))
    ended = f"/v1/partnerships/{world.partnership['id']}/end"
    assert_unsupported_media_type(await api.call(world.acme, "POST", ended, **kwargs))
    assert await count(db, "organizations") == 3
    assert await count(db, "orders") == 0
    assert (await api.ok(None, "GET", org))["name"] == "Acme"
    assert (await api.ok(world.acme, "GET", f"/v1/partnerships/{world.partnership['id']}"))[
        "status"
    ] == "active"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
        "application/problem+json",
    ],
)
async def test_json_media_types_are_read(api: Api, content_type: str) -> None:
    headers = {"Content-Type": content_type}
    response = await api.call(
        PLATFORM, "POST", "/v1/admin/organizations", content=json.dumps(ORG), headers=headers
    )
    assert response.status_code == 201, response.text


async def test_a_post_without_a_body_needs_no_content_type(api: Api, world: World) -> None:
    """Operations whose body is optional run with their defaults; one that needs a body says so."""
    order = await api.order(world.acme, world.acme, "web-hosting-pro")
    paid = await api.admin("POST", f"/v1/admin/invoices/{order['invoice_id']}/pay")
    assert paid.status_code == 200 and paid.json()["status"] == "paid", paid.text
    run = await api.admin("POST", "/v1/admin/renewals/run")
    assert run.status_code == 200, run.text
    ended = await api.call(world.acme, "POST", f"/v1/partnerships/{world.partnership['id']}/end")
    assert ended.status_code == 200 and ended.json()["status"] == "ended", ended.text
    problem = assert_problem(await api.admin("POST", "/v1/admin/organizations"), 422, "validation_error")
    assert [error["loc"] for error in problem["errors"]] == [["body"]], problem


class _Thing(BaseModel):
    name: str


@pytest.fixture
async def plain_route(db: AsyncEngine, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A route outside the transactional ones, where FastAPI alone reads the body."""
    app = create_app(settings, engine=db)

    async def take(thing: _Thing) -> dict[str, str]:
        return {"name": thing.name}

    app.add_api_route("/plain", take, methods=["POST"])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.mark.parametrize(
    "body",
    [b'{"name": "\xff"}', b"[" * 20_000 + b"]" * 20_000, b'{"name": 1'],
    ids=["invalid UTF-8", "deep", "truncated"],
)
async def test_fastapis_own_body_errors_are_the_same_422(plain_route: httpx.AsyncClient, body: bytes) -> None:
    assert_unreadable_body(await plain_route.post("/plain", content=body, headers=JSON))
