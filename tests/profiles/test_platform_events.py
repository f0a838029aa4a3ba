"""`organization.updated` and `issuer.updated` are the platform's own log: recorded without a
recipient organisation, listed by `GET /v1/admin/events` (newest first, keyset pages, `?type=`),
never in an organisation's `/v1/events` and never sent to a webhook endpoint."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.settings import Settings
from partnerbilling.webhooks.delivery import deliver_due
from tests.asserts import assert_problem
from tests.profiles.helpers import BERLIN, put_issuer
from tests.support import Api, build_world, count
from tests.webhooks.flows import add_endpoint, quick
from tests.webhooks.peers import Receiver


async def test_profile_and_issuer_changes_are_in_the_platform_log(api: Api) -> None:
    acme = await api.org("Acme")
    by_platform = await api.ok(
        None, "PATCH", f"/v1/admin/organizations/{acme.id}", json={"vat_rate": "0.077"}
    )
    by_itself = await api.ok(acme, "PATCH", "/v1/organizations/me", json={"address": BERLIN})
    issuer = await put_issuer(api)

    log = await api.ok(None, "GET", "/v1/admin/events")
    assert [(e["type"], e["data"]) for e in log["data"]] == [
        ("issuer.updated", issuer),
        ("organization.updated", by_itself),
        ("organization.updated", by_platform),
    ]
    assert log["next_cursor"] is None
    assert all(set(e) == {"id", "type", "created_at", "data"} for e in log["data"])


async def test_a_change_to_nothing_is_not_logged(api: Api) -> None:
    acme = await api.org("Acme")
    await api.ok(acme, "PATCH", "/v1/organizations/me", json={"language": "de"})
    await api.ok(acme, "PATCH", "/v1/organizations/me", json={"language": "de"})
    await api.ok(acme, "PATCH", "/v1/organizations/me", json={})
    await put_issuer(api)
    await put_issuer(api)
    log = await api.ok(None, "GET", "/v1/admin/events")
    assert [e["type"] for e in log["data"]] == ["issuer.updated", "organization.updated"]


async def test_the_platform_log_is_paginated_and_filtered_by_type(api: Api) -> None:
    acme = await api.org("Acme")
    for language in ("de", "fr", "it"):
        await api.ok(acme, "PATCH", "/v1/organizations/me", json={"language": language})
    await put_issuer(api)
    first = await api.ok(None, "GET", "/v1/admin/events", params={"type": "organization.updated", "limit": 2})
    rest = await api.ok(
        None,
        "GET",
        "/v1/admin/events",
        params={"type": "organization.updated", "limit": 2, "cursor": first["next_cursor"]},
    )
    assert [e["data"]["language"] for e in first["data"] + rest["data"]] == ["it", "fr", "de"]
    assert rest["next_cursor"] is None
    only_issuer = await api.ok(None, "GET", "/v1/admin/events", params={"type": "issuer.updated"})
    assert [e["type"] for e in only_issuer["data"]] == ["issuer.updated"]
    wrong = await api.admin("GET", "/v1/admin/events", params={"type": "invoice.paid"})
    assert assert_problem(wrong, 422, "validation_error")["errors"][0]["loc"] == ["query", "type"]


async def test_organisation_events_are_not_in_the_platform_log(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    await api.order(world.agency, world.acme, "web-hosting-pro")
    assert await count(db, "events", "org_id IS NOT NULL") > 0
    assert (await api.ok(None, "GET", "/v1/admin/events"))["data"] == []


async def test_no_organisation_ever_sees_the_platforms_events(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    await add_endpoint(api, acme, receiver.url())  # every type: "*"
    await api.ok(acme, "PATCH", "/v1/organizations/me", json={"legal_name": "Acme AG"})
    await api.ok(None, "PATCH", f"/v1/admin/organizations/{acme.id}", json={"vat_rate": "0.077"})
    await put_issuer(api)

    assert await count(db, "events", "org_id IS NULL") == 3
    assert await count(db, "events", "org_id IS NOT NULL") == 0
    assert await count(db, "webhook_deliveries") == 0
    assert await deliver_due(db, quick(settings)) == 0
    assert receiver.receipts == []
    assert (await api.ok(acme, "GET", "/v1/events"))["data"] == []
    # Not a type of an organisation's log: refused as the document says, as an unknown type is.
    filtered = await api.call(acme, "GET", "/v1/events", params={"type": "organization.updated"})
    assert_problem(filtered, 422, "validation_error")
    assert filtered.json()["errors"] == [
        {"loc": ["query", "type"], "msg": "not an event type of an organisation's log"}
    ]
    [event_id] = [e["id"] for e in (await api.ok(None, "GET", "/v1/admin/events"))["data"]][:1]
    assert_problem(await api.call(acme, "GET", f"/v1/events/{event_id}"), 404, "not_found")
    refused = await api.call(
        acme,
        "POST",
        "/v1/webhook-endpoints",
        json={"url": receiver.url(), "event_types": ["organization.updated"]},
    )
    assert_problem(refused, 422, "validation_error")


async def test_the_platform_log_is_the_platforms_alone(api: Api) -> None:
    acme = await api.org("Acme")
    assert_problem(await api.call(acme, "GET", "/v1/admin/events"), 403, "forbidden")
    assert_problem(await api.client.get("/v1/admin/events"), 401, "unauthenticated")
