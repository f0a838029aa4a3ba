"""Secrets: API keys and webhook secrets are shown once, when created, and nowhere else: not in a
log record (even at DEBUG), not in an error body, not in any list or read response."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.settings import Settings
from partnerbilling.webhooks import repository as webhooks
from partnerbilling.webhooks.domain import Endpoint
from tests.support import Api, Org


class Recorder:
    """Every response of the flow, so each one can be searched for the secrets."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.responses: list[httpx.Response] = []
        client.event_hooks["response"].append(self.record)

    async def record(self, response: httpx.Response) -> None:
        await response.aread()
        self.responses.append(response)


@pytest.fixture
async def flow(db: AsyncEngine, settings: Settings) -> Any:
    app = create_app(settings, engine=db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Api(client), Recorder(client)


def _fields(value: Any) -> Any:
    """Every (name, value) pair in a JSON document, at any depth."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield name, item
            yield from _fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from _fields(item)


async def test_keys_and_webhook_secrets_never_leak(
    flow: tuple[Api, Recorder], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, recorder = flow
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = []
    shown_once: list[httpx.Response] = []

    # An organisation and its keys: each key appears in the response that creates it, only.
    acme = await api.org("Acme")
    partner = await api.org("WebAgency", reseller_tier=None)
    secrets += [acme.key, partner.key]
    spare = await api.admin("POST", f"/v1/admin/organizations/{acme.id}/api-keys")
    assert spare.status_code == 201
    secrets.append(spare.json()["key"])
    revoked = Org(acme.id, spare.json()["key"], acme.data)
    assert (await api.admin("DELETE", f"/v1/admin/api-keys/{spare.json()['id']}")).status_code == 204
    shown_once += [r for r in recorder.responses if r.request.url.path.endswith("/api-keys")]

    # Using the key, and a webhook endpoint whose secret is shown on creation and on rotation.
    assert (await api.call(acme, "GET", "/v1/organizations/me")).status_code == 200
    created = await api.call(
        acme, "POST", "/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    rotated = await api.call(acme, "POST", f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")
    assert rotated.status_code == 200, rotated.text
    secrets += [endpoint["secret"], rotated.json()["secret"]]
    shown_once += [created, rotated]
    assert all(s.startswith("whsec_") for s in secrets[-2:])

    # Failing requests made with the key.
    failing = [
        await api.call(acme, "GET", "/v1/orders/ord_nope"),
        await api.call(acme, "POST", "/v1/orders", json={"customer_id": acme.key, "sku": "x", "quantity": 0}),
        await api.call(
            acme, "POST", "/v1/orders", content=b"{not json", headers={"Content-Type": "application/json"}
        ),
        await api.call(acme, "GET", "/v1/admin/organizations/" + acme.id),
        # A key pasted into the wrong place is not echoed back. (An unknown sku is named in its
        # 422, as Stripe names an unknown id: that is the caller's own input, not a leak.)
        await api.call(acme, "GET", "/v1/orders", params={"cursor": acme.key}),
        await api.call(acme, "GET", f"/v1/orders/{acme.key}"),
        await api.call(acme, "POST", "/v1/partnerships", json={"partner_id": acme.key, "access": "full"}),
        await api.admin("PATCH", f"/v1/admin/organizations/{acme.id}", json={"billing_email": acme.key}),
        await api.call(revoked, "GET", "/v1/organizations/me"),
        await api.client.get("/v1/organizations/me", headers={"Authorization": f"Bearer {acme.key}x"}),
        await api.client.get("/v1/organizations/me", headers={"Authorization": f"Basic {acme.key}"}),
        # A value the database refuses, on the insert that carries a new secret.
        await api.call(
            acme,
            "POST",
            "/v1/webhook-endpoints",
            json={"url": "http://127.0.0.1:9/other", "description": "nul \x00 byte"},
        ),
        await api.call(
            acme, "PATCH", f"/v1/webhook-endpoints/{endpoint['id']}", json={"url": endpoint["secret"]}
        ),
    ]
    assert all(r.status_code >= 400 for r in failing), [(r.status_code, r.text) for r in failing]

    # A 500: a broken query whose parameters carry the new endpoint's secret.
    async def broken_insert(conn: AsyncConnection, endpoint: Endpoint) -> Any:
        secrets.append(endpoint.secret)
        statement = text("INSERT INTO no_such_table (secret) VALUES (:secret)")
        await conn.execute(statement, {"secret": endpoint.secret})

    monkeypatch.setattr(webhooks, "add_endpoint", broken_insert)
    crashed = await api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/crash"})
    monkeypatch.undo()
    assert crashed.status_code == 500, crashed.text

    # Reads: every parameterless GET of the API, as the org, and the endpoint itself.
    document = (await api.client.get("/openapi.json")).json()
    for path, item in document["paths"].items():
        required = any(p.get("required") for p in item.get("get", {}).get("parameters", []))
        if (
            "get" in item
            and "{" not in path
            and path.startswith("/v1/")
            and "/admin/" not in path
            and not required
        ):
            assert (await api.call(acme, "GET", path)).status_code == 200, path
    for path in (
        f"/v1/webhook-endpoints/{endpoint['id']}",
        f"/v1/webhook-endpoints/{endpoint['id']}/deliveries",
    ):
        assert (await api.call(acme, "GET", path)).status_code == 200, path

    for response in recorder.responses:
        if any(response is r for r in shown_once):
            continue
        for secret in secrets:
            assert secret not in response.text, (response.request.url.path, response.status_code)
        if response.request.url.path.startswith("/v1/") and response.headers.get(
            "content-type", ""
        ).startswith("application/json"):
            for name, value in _fields(response.json()):
                assert not (name in ("key", "secret") and value), (response.request.url.path, name)

    leaks = []
    for record in caplog.records:
        if record.name.startswith(("httpx", "httpcore")) and "http://test/" in record.getMessage():
            continue  # the test's own client, not the service
        said = record.getMessage() + json.dumps(vars(record), default=str)
        if record.exc_info:
            said += logging.Formatter().formatException(record.exc_info)
        leaks += [(record.name, record.levelname, record.getMessage()[:200]) for s in secrets if s in said]
    assert not leaks, leaks
    # The flow did log, including the 500's traceback: the absence above means something.
    assert any(r.levelno >= logging.ERROR and r.exc_info for r in caplog.records)
