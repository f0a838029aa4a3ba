"""The webhook endpoint API: create (secret once), read, change, delete, rotate; 404 for others."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.settings import Settings
from partnerbilling.webhooks.delivery import deliver_due
from tests.support import Api
from tests.webhooks.flows import add_endpoint, delivered_once, emit_event, quick
from tests.webhooks.peers import Receiver

URL = "https://hooks.example.com/partnerbilling"


async def test_the_secret_is_shown_on_creation_only(api: Api) -> None:
    acme = await api.org("Acme")
    response = await api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": URL, "description": "ERP"})
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) >= 24
    assert created["event_types"] == ["*"] and created["enabled"] is True
    assert created["description"] == "ERP" and created["disabled_reason"] is None

    fetched = await api.ok(acme, "GET", f"/v1/webhook-endpoints/{created['id']}")
    listed = await api.ok(acme, "GET", "/v1/webhook-endpoints")
    assert "secret" not in fetched and fetched == {k: v for k, v in created.items() if k != "secret"}
    assert listed == {"data": [fetched], "next_cursor": None}


async def test_endpoints_can_be_changed_and_deleted(api: Api) -> None:
    acme = await api.org("Acme")
    created = await add_endpoint(api, acme, URL, description="ERP")
    path = f"/v1/webhook-endpoints/{created['id']}"

    changed = await api.ok(
        acme,
        "PATCH",
        path,
        json={"url": URL + "/v2", "event_types": ["invoice.paid", "invoice.issued"], "description": None},
    )
    assert changed["url"] == URL + "/v2"
    assert changed["event_types"] == ["invoice.paid", "invoice.issued"]
    assert changed["description"] is None
    assert (await api.ok(acme, "PATCH", path, json={"enabled": False}))["enabled"] is False
    assert (await api.ok(acme, "PATCH", path, json={}))["enabled"] is False

    assert (await api.call(acme, "DELETE", path)).status_code == 204
    assert (await api.call(acme, "GET", path)).status_code == 404
    assert (await api.call(acme, "DELETE", path)).status_code == 404


async def test_deleting_an_endpoint_keeps_the_event_log(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme, endpoint, event_id = await delivered_once(api, db, settings, receiver.url())
    await api.ok(acme, "DELETE", f"/v1/webhook-endpoints/{endpoint['id']}")
    assert (await api.ok(acme, "GET", f"/v1/events/{event_id}"))["id"] == event_id


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"url": URL, "event_types": ["invoice.sent"]}, "event_types"),
        ({"url": URL, "event_types": []}, "event_types"),
        ({"url": URL, "event_types": "*"}, "event_types"),
        ({"url": URL, "enabled": "maybe"}, "enabled"),
        ({"url": URL, "secret": "whsec_mine"}, "secret"),
        ({"url": URL + "/" + "x" * 2048}, "url"),
        ({"url": URL, "description": "d" * 501}, "description"),
        ({}, "url"),
    ],
)
async def test_invalid_endpoints_are_refused(api: Api, body: dict[str, object], where: str) -> None:
    acme = await api.org("Acme")
    response = await api.call(acme, "POST", "/v1/webhook-endpoints", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert any(where in error["loc"] for error in response.json()["errors"])


async def test_event_types_are_deduplicated_and_star_means_all(api: Api) -> None:
    acme = await api.org("Acme")
    twice = await add_endpoint(api, acme, URL, event_types=["order.created", "order.created"])
    assert twice["event_types"] == ["order.created"]
    star = await add_endpoint(api, acme, URL, event_types=["order.created", "*"])
    assert star["event_types"] == ["*"]


async def test_null_is_refused_for_fields_that_need_a_value(api: Api) -> None:
    acme = await api.org("Acme")
    created = await add_endpoint(api, acme, URL)
    for field in ("url", "event_types", "enabled"):
        response = await api.call(acme, "PATCH", f"/v1/webhook-endpoints/{created['id']}", json={field: None})
        assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["body", field]


async def test_an_organisation_has_at_most_twenty_endpoints(api: Api) -> None:
    acme = await api.org("Acme")
    for _ in range(20):
        await add_endpoint(api, acme, URL)
    response = await api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": URL})
    assert response.status_code == 422 and response.json()["code"] == "too_many_webhook_endpoints"


async def test_lists_are_paginated_newest_first(api: Api) -> None:
    acme = await api.org("Acme")
    ids = [(await add_endpoint(api, acme, f"{URL}/{i}"))["id"] for i in range(5)]
    first = await api.ok(acme, "GET", "/v1/webhook-endpoints", params={"limit": 3})
    second = await api.ok(
        acme, "GET", "/v1/webhook-endpoints", params={"limit": 3, "cursor": first["next_cursor"]}
    )
    assert [e["id"] for e in first["data"] + second["data"]] == ids[::-1]
    assert second["next_cursor"] is None


async def test_a_strangers_key_gets_404_on_every_endpoint_with_an_id(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme = await api.org("Acme")
    stranger = await api.org("Stranger")
    endpoint = await add_endpoint(api, acme, receiver.url())
    event_id = await emit_event(db, acme.id)
    await deliver_due(db, quick(settings))
    [delivery] = (await api.ok(acme, "GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries"))["data"]
    base = f"/v1/webhook-endpoints/{endpoint['id']}"

    calls = [
        ("GET", base, None),
        ("PATCH", base, {"enabled": False}),
        ("DELETE", base, None),
        ("POST", f"{base}/rotate-secret", None),
        ("GET", f"{base}/deliveries", None),
        ("POST", f"{base}/deliveries/{delivery['id']}/redeliver", None),
        ("GET", f"/v1/events/{event_id}", None),
        ("POST", f"/v1/events/{event_id}/redeliver", None),
    ]
    for method, path, body in calls:
        response = await api.call(stranger, method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["code"] == "not_found"
    # ...and nothing was changed by those calls.
    assert (await api.ok(acme, "GET", base))["enabled"] is True
    assert len(receiver.receipts) == 1
    assert (await api.ok(stranger, "GET", "/v1/events"))["data"] == []

    other = await add_endpoint(api, stranger, receiver.url())
    response = await api.call(
        stranger, "POST", f"/v1/webhook-endpoints/{other['id']}/deliveries/{delivery['id']}/redeliver"
    )
    assert response.status_code == 404


async def test_deliveries_can_be_filtered_by_status(
    api: Api, db: AsyncEngine, settings: Settings, receiver: Receiver
) -> None:
    acme, endpoint, _ = await delivered_once(api, db, settings, receiver.url())
    await emit_event(db, acme.id)
    path = f"/v1/webhook-endpoints/{endpoint['id']}/deliveries"
    pending = await api.ok(acme, "GET", path, params={"status": "pending"})
    succeeded = await api.ok(acme, "GET", path, params={"status": "succeeded"})
    assert [d["status"] for d in pending["data"]] == ["pending"]
    assert [d["status"] for d in succeeded["data"]] == ["succeeded"]
    assert (await api.call(acme, "GET", path, params={"status": "lost"})).status_code == 422


async def test_posts_honour_idempotency_keys(api: Api) -> None:
    acme = await api.org("Acme")
    headers = {"Idempotency-Key": "create-hook-1"}
    first = await api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": URL}, headers=headers)
    again = await api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": URL}, headers=headers)
    # The replay is the first answer without its secret (tests/reliability/test_idempotent_secrets.py).
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == {**first.json(), "secret": None}
    assert len((await api.ok(acme, "GET", "/v1/webhook-endpoints"))["data"]) == 1
