"""The audit trail (SPEC §18): one record per admin write, answered or refused, with the
operator's key and name (``platform`` for the platform token); reads are not recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.operators.domain import Role
from tests.asserts import assert_problem
from tests.operators.support import operator
from tests.support import Api, build_world, count


async def _trail(api: Api, **params: Any) -> list[dict[str, Any]]:
    return list((await api.ok(None, "GET", "/v1/admin/audit", params=params))["data"])


async def test_each_write_answered_or_refused_is_recorded_once(api: Api, db: AsyncEngine) -> None:
    support = await operator(api, Role.SUPPORT, "Sam from support")
    acme = await api.org("Acme")
    before = await count(db, "audit_records")

    done = await support.call(
        "PATCH",
        f"/v1/admin/organizations/{acme.id}",
        json={"name": "Acme AG"},
        headers={"X-Request-Id": "req-1"},
    )
    assert done.status_code == 200
    refused = await support.call("PUT", "/v1/admin/products/web", json={"name": "x"})
    assert_problem(refused, 403, "role_forbidden")
    missing = await support.call("PATCH", "/v1/admin/organizations/org_missing", json={"name": "x"})
    assert_problem(missing, 404, "not_found")
    invalid = await support.call("PATCH", f"/v1/admin/organizations/{acme.id}", json={"vat_rate": "2"})
    assert_problem(invalid, 422)
    await support.call("GET", f"/v1/admin/organizations/{acme.id}")  # a read: not recorded

    assert await count(db, "audit_records") == before + 4
    records = await _trail(api, operator=support.id)
    assert [(r["method"], r["route"], r["status"]) for r in records] == [
        ("PATCH", "/v1/admin/organizations/{org_id}", 422),
        ("PATCH", "/v1/admin/organizations/{org_id}", 404),
        ("PUT", "/v1/admin/products/{sku}", 403),
        ("PATCH", "/v1/admin/organizations/{org_id}", 200),
    ]
    assert {r["operator"]["name"] for r in records} == {"Sam from support"}
    assert {r["operator"]["id"] for r in records} == {support.id}
    assert {r["role"] for r in records} == {"support"}
    assert [r["object_id"] for r in records] == [acme.id, "org_missing", "web", acme.id]
    assert records[-1]["request_id"] == "req-1"
    assert records[0]["at"] > records[-1]["at"]
    # The refused change changed nothing.
    assert (await api.ok(None, "GET", f"/v1/admin/organizations/{acme.id}"))["vat_rate"] == "0.081"


async def test_the_platform_token_is_recorded_as_platform(api: Api) -> None:
    acme = await api.org("Acme")  # POST /organizations and POST /organizations/{id}/api-keys
    records = await _trail(api, operator="platform")
    assert [(r["method"], r["route"], r["status"]) for r in records] == [
        ("POST", "/v1/admin/organizations/{org_id}/api-keys", 201),
        ("POST", "/v1/admin/organizations", 201),
    ]
    assert records[0]["operator"] == {"id": "platform", "name": "platform"} and records[0]["role"] == "admin"
    # A creation names the object it created.
    assert records[1]["object_id"] == acme.id


async def test_calls_without_an_operator_are_not_recorded(api: Api, db: AsyncEngine) -> None:
    acme = await api.org("Acme")
    before = await count(db, "audit_records")
    assert_problem(await api.client.post("/v1/admin/organizations", json={}), 401, "unauthenticated")
    assert_problem(await api.call(acme, "POST", "/v1/admin/organizations", json={}), 403, "forbidden")
    assert await count(db, "audit_records") == before


async def test_the_trail_is_filtered_by_operator_and_time_and_paginated(api: Api) -> None:
    finance = await operator(api, Role.FINANCE, "Fay")
    for _ in range(5):
        await finance.call("POST", "/v1/admin/invoices/inv_missing/pay")
    mine = await _trail(api, operator=finance.id)
    assert len(mine) == 5 and {r["status"] for r in mine} == {404}

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"operator": finance.id, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await api.ok(None, "GET", "/v1/admin/audit", params=params)
        seen += [r["id"] for r in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [r["id"] for r in mine]

    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert await _trail(api, **{"from": later}) == []
    assert len(await _trail(api, operator=finance.id, **{"from": mine[-1]["at"]})) == 5
    assert_problem(await api.admin("GET", "/v1/admin/audit", params={"from": "yesterday"}), 422)
    assert await _trail(api, operator="opk_nobody") == []


async def test_a_conflict_is_recorded_and_its_rollback_keeps_the_record(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    order = await api.order(w.acme, w.acme, "domain-ch")
    finance = await operator(api, Role.FINANCE, "Fay")
    path = f"/v1/admin/invoices/{order['invoice_id']}/pay"
    assert (await finance.call("POST", path)).status_code == 200
    assert_problem(await finance.call("POST", path), 409, "invalid_state")
    records = await _trail(api, operator=finance.id)
    assert [(r["status"], r["object_id"]) for r in records] == [
        (409, order["invoice_id"]),
        (200, order["invoice_id"]),
    ]
    assert await count(db, "payments", "invoice_id = :i", i=order["invoice_id"]) == 1
