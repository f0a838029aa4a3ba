"""Secrets and idempotency: a response that shows an API key or a webhook signing secret is
stored, and replayed, without it; no table holds a secret except where signing needs it."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.routing import APIRoute
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.db import transaction
from partnerbilling.idempotency.redaction import secret_fields
from partnerbilling.settings import Settings
from tests.support import Api, count

URL = "http://127.0.0.1:9/hook"
# The only place a webhook secret may rest: the columns the worker signs with.
SIGNING_COLUMNS = {("webhook_endpoints", "secret"), ("webhook_endpoints", "previous_secret")}


async def _twice(send: Any, key: str) -> tuple[httpx.Response, httpx.Response]:
    headers = {"Idempotency-Key": key}
    first: httpx.Response = await send(headers)
    again: httpx.Response = await send(headers)
    assert first.is_success, first.text
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers.get("Idempotent-Replayed") == "true", again.text
    assert again.status_code == first.status_code
    return first, again


async def holders(engine: AsyncEngine, secret: str) -> set[tuple[str, str]]:
    """Every (table, column) of the database with a value containing ``secret``: text, jsonb
    and arrays as their text, bytea as its bytes."""
    found: set[tuple[str, str]] = set()
    async with transaction(engine) as conn:
        columns = await conn.execute(
            text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'public'"
            )
        )
        for table, column, data_type in columns.all():
            if data_type == "bytea":
                where = f"position(convert_to(:s, 'UTF8') in \"{column}\") > 0"
            else:
                where = f'strpos(CAST("{column}" AS text), :s) > 0'
            query = text(f'SELECT EXISTS (SELECT 1 FROM "{table}" WHERE {where})')
            if await conn.scalar(query, {"s": secret}):
                found.add((table, column))
    return found


async def test_a_replayed_api_key_creation_answers_without_the_key(api: Api, db: AsyncEngine) -> None:
    acme = await api.org("Acme")
    path = f"/v1/admin/organizations/{acme.id}/api-keys"
    first, again = await _twice(lambda h: api.client.post(path, headers={**api.admin_auth, **h}), "key-once")

    created = first.json()
    assert created["key"].startswith(created["prefix"])
    assert again.json() == {**created, "key": None}
    assert await count(db, "api_keys") == 2  # the org's first key and this one, not a third
    # The key shown the first time is the one that works.
    me = await api.client.get("/v1/organizations/me", headers={"Authorization": f"Bearer {created['key']}"})
    assert me.status_code == 200, me.text


async def test_a_replayed_endpoint_creation_answers_without_the_secret(api: Api, db: AsyncEngine) -> None:
    acme = await api.org("Acme")
    first, again = await _twice(
        lambda h: api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": URL}, headers=h), "hook-once"
    )
    assert first.json()["secret"].startswith("whsec_")
    assert again.json() == {**first.json(), "secret": None}
    assert await count(db, "webhook_endpoints") == 1


async def test_a_replayed_rotation_rotates_once_and_answers_without_the_secret(
    api: Api, db: AsyncEngine
) -> None:
    acme = await api.org("Acme")
    endpoint = await api.ok(acme, "POST", "/v1/webhook-endpoints", json={"url": URL})
    path = f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret"
    first, again = await _twice(lambda h: api.call(acme, "POST", path, headers=h), "rotate-once")

    rotated = first.json()["secret"]
    assert rotated.startswith("whsec_") and rotated != endpoint["secret"]
    assert again.json() == {**first.json(), "secret": None}
    async with transaction(db) as conn:
        signing = (await conn.execute(text("SELECT secret, previous_secret FROM webhook_endpoints"))).one()
    assert tuple(signing) == (rotated, endpoint["secret"])


async def test_no_table_holds_a_key_and_only_the_signing_columns_hold_webhook_secrets(
    api: Api, db: AsyncEngine
) -> None:
    acme = await api.org("Acme")
    keys = [acme.key]
    path = f"/v1/admin/organizations/{acme.id}/api-keys"
    first, _ = await _twice(lambda h: api.client.post(path, headers={**api.admin_auth, **h}), "key")
    keys.append(first.json()["key"])

    created, _ = await _twice(
        lambda h: api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": URL}, headers=h), "hook"
    )
    endpoint = created.json()
    rotate = f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret"
    rotated, _ = await _twice(lambda h: api.call(acme, "POST", rotate, headers=h), "rotate")
    webhook_secrets = [endpoint["secret"], rotated.json()["secret"]]
    assert await count(db, "idempotency_records") == 3  # the scan below covers those records

    for key in keys:
        for needle in (key, key.removeprefix("pb_")):
            assert await holders(db, needle) == set(), "an API key rests in the database"
    for secret in webhook_secrets:
        for needle in (secret, secret.removeprefix("whsec_")):
            held = await holders(db, needle)
            assert held and held <= SIGNING_COLUMNS, held


def test_every_operation_that_shows_a_secret_declares_it(settings: Settings) -> None:
    """A guard for new operations: a response model with a `key` or `secret` field must be
    marked, or its secret would rest in the idempotency store."""
    app = create_app(settings)
    marked = {}
    for route in _routes(app.router.routes):
        fields = set(getattr(route.response_model, "model_fields", {})) & {"key", "secret"}
        if fields:
            assert secret_fields(route) == fields, route.path
            marked[route.path] = fields
    assert marked == {
        "/v1/admin/organizations/{org_id}/api-keys": {"key"},
        "/v1/admin/operator-keys": {"key"},
        "/v1/webhook-endpoints": {"secret"},
        "/v1/webhook-endpoints/{endpoint_id}/rotate-secret": {"secret"},
    }
    # The documented schema admits the replay's null.
    schemas = app.openapi()["components"]["schemas"]
    for model, field in (
        ("ApiKeyCreated", "key"),
        ("OperatorKeyCreated", "key"),
        ("EndpointWithSecret", "secret"),
    ):
        assert {"type": "null"} in schemas[model]["properties"][field]["anyOf"], model


def _routes(routes: Any) -> Any:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        else:
            yield from _routes(getattr(getattr(route, "original_router", route), "routes", []))
