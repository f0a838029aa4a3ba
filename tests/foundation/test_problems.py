"""Every error is an RFC 9457 problem document with a stable code; a 500 shows no internals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.errors import Conflict
from partnerbilling.settings import Settings
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from tests.asserts import assert_problem
from tests.support import ADMIN_TOKEN, Api, count

ORG = {"name": "Acme", "billing_email": "billing@acme.example", "currency": "CHF", "vat_rate": "0.081"}
SECRET = "s3cr3t-internal-detail"


async def test_401_and_403(api: Api) -> None:
    acme = await api.org("Acme")
    body = assert_problem(await api.client.get("/v1/organizations/me"), 401, "unauthenticated")
    assert body["request_id"]
    assert_problem(await api.call(acme, "GET", f"/v1/admin/organizations/{acme.id}"), 403, "forbidden")


async def test_404_for_an_unknown_id(api: Api) -> None:
    assert_problem(await api.admin("GET", "/v1/admin/organizations/org_nope"), 404, "not_found")
    assert_problem(await api.admin("PATCH", "/v1/admin/organizations/org_nope", json={"name": "X"}), 404)


@pytest.mark.parametrize("path", ["/nope", "/v1/nope", "/v1/admin/nope", "/v2/products", "/v1/products/x/y"])
async def test_404_for_an_unknown_route(api: Api, path: str) -> None:
    assert_problem(await api.admin("GET", path), 404, "not_found")
    assert_problem(await api.client.post(path, json={}), 404, "not_found")


async def test_405_for_a_method_the_route_does_not_have(api: Api) -> None:
    response = await api.admin("DELETE", "/v1/products")
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]
    assert_problem(await api.admin("PUT", "/v1/admin/organizations"), 405, "method_not_allowed")


async def test_409_for_an_idempotency_key_still_in_use(api: Api, db: AsyncEngine) -> None:
    """While the first request with a key is still running, a second one with that key is 409."""
    headers = {**api.admin_auth, "Idempotency-Key": "create-acme"}
    async with db.connect() as blocker:
        await blocker.execution_options(isolation_level="READ COMMITTED")
        # Hold the first request inside its transaction: its insert waits for this table lock.
        await blocker.execute(text("LOCK TABLE organizations IN ACCESS EXCLUSIVE MODE"))
        first = asyncio.create_task(api.client.post("/v1/admin/organizations", json=ORG, headers=headers))
        second = None
        for _ in range(200):
            await asyncio.sleep(0.05)
            # pg_stat_activity is read once per transaction unless the snapshot is cleared.
            await blocker.execute(text("SELECT pg_stat_clear_snapshot()"))
            waiting = await blocker.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            if waiting:
                second = await api.client.post("/v1/admin/organizations", json=ORG, headers=headers)
                break
        await blocker.rollback()
    assert second is not None, "the first request never reached the insert"
    assert_problem(second, 409, "idempotency_key_in_use")
    assert (await first).status_code == 201
    assert await count(db, "organizations") == 1


async def test_413_for_a_body_over_1_mib(api: Api, db: AsyncEngine) -> None:
    padding = "x" * (1024 * 1024)
    response = await api.admin("POST", "/v1/admin/organizations", json={**ORG, "name": padding})
    assert_problem(response, 413, "payload_too_large")

    async def streamed() -> AsyncIterator[bytes]:  # no Content-Length: the limit applies while reading
        yield b'{"name": "'
        for _ in range(11):
            yield b"x" * 100_000
        yield b'"}'

    response = await api.client.post(
        "/v1/admin/organizations",
        content=streamed(),
        headers={**api.admin_auth, "Content-Type": "application/json"},
    )
    assert_problem(response, 413, "payload_too_large")
    assert await count(db, "organizations") == 0


async def test_a_body_just_under_the_limit_is_read(api: Api) -> None:
    response = await api.admin("POST", "/v1/admin/organizations", json={**ORG, "name": "x" * 1_000_000})
    assert_problem(response, 422, "validation_error")  # read and validated, not cut off


@pytest.mark.parametrize(
    "body", [b'{"name":', b"{'name': 'Acme'}", b"{,}", b'{"a": 1} trailing', b"\xff\xfe"]
)
async def test_malformed_json_is_a_422_problem(api: Api, db: AsyncEngine, body: bytes) -> None:
    response = await api.client.post(
        "/v1/admin/organizations",
        content=body,
        headers={**api.admin_auth, "Content-Type": "application/json"},
    )
    problem = assert_problem(response, 422, "validation_error")
    assert "errors" in problem
    assert await count(db, "organizations") == 0


async def test_422_names_the_field(api: Api) -> None:
    problem = assert_problem(
        await api.admin("POST", "/v1/admin/organizations", json={**ORG, "vat_rate": 0.081}),
        422,
        "validation_error",
    )
    assert problem["errors"] == [{"loc": ["body", "vat_rate"], "msg": problem["errors"][0]["msg"]}]
    assert "vat_rate" in problem["detail"]


def _app_with_throwaway_routes(settings: Settings, db: AsyncEngine) -> FastAPI:
    app = create_app(settings, engine=db)

    async def boom() -> None:
        raise RuntimeError(SECRET)

    app.add_api_route("/boom", boom, methods=["GET"])

    transactional = APIRouter(route_class=TransactionalRoute)

    @transactional.post("/v1/write-then-fail")
    async def write_then_fail(conn: Conn) -> None:
        await conn.execute(
            text(
                "INSERT INTO organizations"
                " (id, name, billing_email, currency, vat_rate, created_at, updated_at)"
                " VALUES ('org_half', 'Half', 'h@h.example', 'CHF', 0.081, now(), now())"
            )
        )
        raise RuntimeError(SECRET)

    @transactional.post("/v1/conflict")
    async def conflict() -> None:
        raise Conflict("The object changed meanwhile.")

    app.include_router(transactional)
    return app


@pytest.fixture
async def throwaway(db: AsyncEngine, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app_with_throwaway_routes(settings, db), raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as client:
        yield client


async def test_an_unexpected_exception_is_a_500_problem_without_internals(
    throwaway: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = await throwaway.get("/boom", headers={"X-Request-Id": "req-123"})
    body = assert_problem(response, 500, "internal_error")
    for leak in (SECRET, "Traceback", "RuntimeError", ".py", "line "):
        assert leak not in response.text
    assert body["request_id"] == "req-123" == response.headers["x-request-id"]
    logged = [r for r in caplog.records if "req-123" in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the stack trace goes to the log


async def test_a_failed_request_writes_nothing(throwaway: httpx.AsyncClient, db: AsyncEngine) -> None:
    assert_problem(await throwaway.post("/v1/write-then-fail"), 500, "internal_error")
    assert await count(db, "organizations") == 0


async def test_a_domain_conflict_is_a_409_problem(throwaway: httpx.AsyncClient) -> None:
    response = await throwaway.post("/v1/conflict")
    body = assert_problem(response, 409, "conflict")
    assert body["detail"] == "The object changed meanwhile."


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/admin/organizations", {**ORG, "name": "Acme\x00Corp"}),
        ("PUT", "/v1/admin/reseller-tiers/gold", {"name": "Gold\x00", "default_rate": "0.1", "rates": {}}),
        (
            "PUT",
            "/v1/admin/products/p1",
            {"name": "P\x00", "category": "c", "period_months": 1, "prices": {"CHF": "1.00"}},
        ),
        ("GET", "/v1/admin/organizations/org%00x", None),
        ("DELETE", "/v1/admin/api-keys/key%00x", None),
        ("GET", "/v1/products?cursor=%00", None),
    ],
)
async def test_a_nul_character_is_refused_not_a_500(
    api: Api, db: AsyncEngine, method: str, path: str, body: object
) -> None:
    response = await api.admin(method, path, json=body)
    assert response.status_code in (404, 422), response.text
    assert_problem(response, response.status_code)
    assert await count(db, "organizations") == 0
