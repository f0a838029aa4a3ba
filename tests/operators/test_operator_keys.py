"""Operator keys (SPEC §18): made by the platform token or an admin key, shown once, stored as a
hash, listed without secrets, revocable; a key for the admin API only."""

from __future__ import annotations

import hashlib

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.operators.domain import Role
from tests.asserts import assert_problem
from tests.operators.support import Operator, operator
from tests.support import Api, rows


async def test_a_key_is_shown_once_stored_as_a_hash_and_listed_without_it(api: Api, db: AsyncEngine) -> None:
    created = await api.ok(None, "POST", "/v1/admin/operator-keys", json={"name": "Anna", "role": "finance"})
    assert created.keys() == {"id", "name", "role", "prefix", "created_at", "revoked_at", "key"}
    assert (created["name"], created["role"], created["revoked_at"]) == ("Anna", "finance", None)
    assert created["key"].startswith(created["prefix"])
    [stored] = await rows(db, "SELECT key_hash FROM operator_keys WHERE id = :i", i=created["id"])
    assert stored.key_hash == hashlib.sha256(created["key"].encode()).hexdigest()

    listed = await api.ok(None, "GET", "/v1/admin/operator-keys")
    assert [k["id"] for k in listed["data"]] == [created["id"]]
    assert "key" not in listed["data"][0] and listed["next_cursor"] is None
    assert created["key"] not in str(listed)


async def test_an_operator_key_acts_on_the_admin_api_only(api: Api) -> None:
    support = await operator(api, Role.SUPPORT)
    acme = await api.org("Acme")
    response = await support.call("GET", f"/v1/admin/organizations/{acme.id}")
    assert response.status_code == 200 and response.json()["id"] == acme.id
    # Never an organisation: no such key on the organisation endpoints.
    for path in ("/v1/organizations/me", "/v1/products", "/v1/orders"):
        assert_problem(await support.call("GET", path), 401, "unauthenticated")


async def test_a_revoked_key_is_401_at_once_and_the_others_keep_working(api: Api) -> None:
    first, second = await operator(api, Role.READONLY, "first"), await operator(api, Role.READONLY, "second")
    assert (await first.call("GET", "/v1/admin/jobs")).status_code == 200
    await api.ok(None, "DELETE", f"/v1/admin/operator-keys/{first.id}")
    assert_problem(await first.call("GET", "/v1/admin/jobs"), 401, "unauthenticated")
    assert (await second.call("GET", "/v1/admin/jobs")).status_code == 200
    listed = {k["id"]: k for k in (await api.ok(None, "GET", "/v1/admin/operator-keys"))["data"]}
    assert listed[first.id]["revoked_at"] is not None and listed[second.id]["revoked_at"] is None
    # Revoking again is harmless; an unknown key is 404.
    assert (await api.admin("DELETE", f"/v1/admin/operator-keys/{first.id}")).status_code == 204
    assert_problem(await api.admin("DELETE", "/v1/admin/operator-keys/opk_unknown"), 404, "not_found")


async def test_only_the_platform_token_or_an_admin_key_manages_operator_keys(api: Api) -> None:
    admin = await operator(api, Role.ADMIN)
    made = await admin.call("POST", "/v1/admin/operator-keys", json={"name": "Bob", "role": "support"})
    assert made.status_code == 201
    bob = Operator(api, made.json())
    assert (await bob.call("GET", "/v1/admin/operator-keys")).status_code == 200  # a read
    for role in (Role.FINANCE, Role.SUPPORT, Role.READONLY):
        other = await operator(api, role)
        response = await other.call("POST", "/v1/admin/operator-keys", json={"name": "Eve", "role": "admin"})
        assert_problem(response, 403, "role_forbidden")
        assert_problem(await other.call("DELETE", f"/v1/admin/operator-keys/{bob.id}"), 403, "role_forbidden")
    assert (await admin.call("DELETE", f"/v1/admin/operator-keys/{bob.id}")).status_code == 204
    assert_problem(await bob.call("GET", "/v1/admin/operator-keys"), 401, "unauthenticated")


async def test_an_organisation_key_on_the_admin_api_is_403_as_before(api: Api) -> None:
    acme = await api.org("Acme")
    response = await api.call(acme, "POST", "/v1/admin/operator-keys", json={"name": "x", "role": "admin"})
    assert_problem(response, 403, "forbidden")
    assert_problem(await api.call(acme, "GET", "/v1/admin/operator-keys"), 403, "forbidden")


async def test_a_bad_key_request_is_422_and_makes_nothing(api: Api, db: AsyncEngine) -> None:
    for body in ({"name": "x", "role": "root"}, {"name": "", "role": "admin"}, {"role": "admin"}, {}):
        response = await api.admin("POST", "/v1/admin/operator-keys", json=body)
        assert_problem(response, 422, "validation_error")
    assert await rows(db, "SELECT id FROM operator_keys") == []


async def test_a_replayed_creation_does_not_show_the_key_again(api: Api, db: AsyncEngine) -> None:
    body, headers = {"name": "Anna", "role": "finance"}, {"Idempotency-Key": "op-key-1"}
    first = await api.admin("POST", "/v1/admin/operator-keys", json=body, headers=headers)
    again = await api.admin("POST", "/v1/admin/operator-keys", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and again.json()["key"] is None
    assert len(await rows(db, "SELECT id FROM operator_keys")) == 1
    # The key rests nowhere: not in the idempotency record that replays the answer.
    [record] = await rows(db, "SELECT response_body FROM idempotency_records")
    assert first.json()["key"].encode() not in bytes(record.response_body)
