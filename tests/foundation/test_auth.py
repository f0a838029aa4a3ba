"""Authentication (SPEC §4): bearer keys, the platform token, and who may call what."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.settings import Settings
from tests.asserts import assert_problem
from tests.support import Api


def _v1_operations(settings: Settings) -> list[tuple[str, str]]:
    """Every (method, path) of the API, with path parameters filled with a made-up id."""
    paths = create_app(settings).openapi()["paths"]
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "x1", path))
        for path, item in paths.items()
        if path.startswith("/v1/")
        for method in item
    ]


MALFORMED_HEADERS = [
    "",
    "Bearer",
    "Bearer ",
    "Bearer    ",
    "Basic dXNlcjpwYXNz",
    "Token pb_abc",
    "pb_abc",
    "Bearer pb_abc extra",
    "Bearer " + "pb_" + "a" * 500,
]


@pytest.mark.parametrize("path", ["/v1/organizations/me", "/v1/products", "/v1/admin/organizations/x1"])
async def test_a_missing_key_is_401(api: Api, path: str) -> None:
    assert_problem(await api.client.get(path), 401, "unauthenticated")


@pytest.mark.parametrize("header", MALFORMED_HEADERS)
async def test_a_malformed_authorization_header_is_401(api: Api, header: str) -> None:
    for path in ("/v1/organizations/me", "/v1/admin/organizations/x1"):
        response = await api.client.get(path, headers={"Authorization": header})
        assert_problem(response, 401, "unauthenticated")


@pytest.mark.parametrize("key", ["pb_" + "A" * 43, "not-a-key", "test-admin-token-012345678", "pb_"])
async def test_an_unknown_key_is_401(api: Api, key: str) -> None:
    await api.org("Acme")  # there are keys, just not this one
    for path in ("/v1/organizations/me", "/v1/products", "/v1/admin/organizations/x1"):
        response = await api.client.get(path, headers={"Authorization": f"Bearer {key}"})
        assert_problem(response, 401, "unauthenticated")


async def test_the_bearer_scheme_is_case_insensitive(api: Api) -> None:
    acme = await api.org("Acme")
    response = await api.client.get("/v1/organizations/me", headers={"Authorization": f"bearer {acme.key}"})
    assert response.status_code == 200


async def test_a_revoked_key_is_401_at_once_and_other_keys_keep_working(api: Api) -> None:
    acme = await api.org("Acme")
    second = await api.ok(None, "POST", f"/v1/admin/organizations/{acme.id}/api-keys")
    first_id = (await api.ok(None, "POST", f"/v1/admin/organizations/{acme.id}/api-keys"))["id"]
    keys = await api.ok(None, "POST", f"/v1/admin/organizations/{acme.id}/api-keys")
    await api.ok(None, "DELETE", f"/v1/admin/api-keys/{keys['id']}")

    response = await api.client.get(
        "/v1/organizations/me", headers={"Authorization": f"Bearer {keys['key']}"}
    )
    assert_problem(response, 401, "unauthenticated")
    response = await api.client.get(
        "/v1/organizations/me", headers={"Authorization": f"Bearer {second['key']}"}
    )
    assert response.status_code == 200
    assert (await api.ok(acme, "GET", "/v1/organizations/me"))["id"] == acme.id

    # Revoking twice is harmless; an unknown key id is 404.
    assert (await api.admin("DELETE", f"/v1/admin/api-keys/{keys['id']}")).status_code == 204
    assert_problem(await api.admin("DELETE", "/v1/admin/api-keys/key_nope"), 404, "not_found")
    assert first_id != keys["id"]


async def test_a_key_is_random_shown_once_and_stored_only_as_a_hash(api: Api, db: AsyncEngine) -> None:
    acme = await api.org("Acme")
    created = await api.ok(None, "POST", f"/v1/admin/organizations/{acme.id}/api-keys")
    other = await api.ok(None, "POST", f"/v1/admin/organizations/{acme.id}/api-keys")
    assert set(created) == {"id", "key", "prefix", "created_at"}
    assert created["key"] != other["key"]
    assert len(created["key"]) >= 40
    assert created["key"].startswith(created["prefix"])
    async with db.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM api_keys WHERE id = :id"), {"id": created["id"]})).one()
    stored = [str(value) for value in row]
    assert created["key"] not in " ".join(stored)
    assert hashlib.sha256(created["key"].encode()).hexdigest() in stored
    # No later response shows the key again.
    assert created["key"] not in (await api.admin("GET", f"/v1/admin/organizations/{acme.id}")).text
    assert_problem(await api.admin("POST", "/v1/admin/organizations/org_nope/api-keys"), 404, "not_found")


async def test_an_org_key_is_403_on_every_admin_route(api: Api, settings: Settings) -> None:
    acme = await api.org("Acme")
    admin_operations = [(m, p) for m, p in _v1_operations(settings) if p.startswith("/v1/admin/")]
    assert len(admin_operations) >= 6
    for method, path in admin_operations:
        # With a body that would be invalid: the refusal comes before validation.
        response = await api.call(acme, method, path, json={})
        assert_problem(response, 403, "forbidden")
        response = await api.call(acme, method, path)
        assert_problem(response, 403, "forbidden")


async def test_every_api_route_is_401_without_a_key(api: Api, settings: Settings) -> None:
    operations = _v1_operations(settings)
    assert len(operations) >= 9
    for method, path in operations:
        assert_problem(await api.client.request(method, path, json={}), 401, "unauthenticated")


async def test_the_platform_token_is_403_where_an_organisation_acts(api: Api) -> None:
    assert_problem(await api.admin("GET", "/v1/organizations/me"), 403, "forbidden")


async def test_the_platform_token_may_read_the_catalogue(api: Api) -> None:
    assert (await api.admin("GET", "/v1/products")).status_code == 200


async def test_without_a_configured_token_the_admin_api_is_401(db: AsyncEngine, settings: Settings) -> None:
    import httpx

    app = create_app(settings.model_copy(update={"admin_token": None}), engine=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        for token in ("", "None", "null", "test-admin-token-0123456789"):
            response = await client.get(
                "/v1/admin/organizations/x1", headers={"Authorization": f"Bearer {token}"}
            )
            assert_problem(response, 401, "unauthenticated")
