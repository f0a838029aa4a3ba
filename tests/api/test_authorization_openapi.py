"""Authorisation, generated from the app's own ``/openapi.json``.

Every operation with an id in its path is called by a stranger organisation with the real id of
an object that exists and belongs to others: it must answer 404 (existence never leaks) and
change nothing. Every ``/v1/admin`` operation answers 403 to an organisation key. An operation
this file does not know fails the test, so a new route must be added here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.accounts.service import move
from partnerbilling.db import transaction, utcnow
from partnerbilling.states import EntryKind
from tests.asserts import assert_problem
from tests.payments.camt_files import camt054
from tests.payouts.support import PAYOUT_ACCOUNTS
from tests.profiles.helpers import issuer_body
from tests.support import Api, World, build_world, counts, rows

# "METHOD path template" → {path parameter: the kind of object whose real id it takes}.
ORG_OPERATIONS: dict[str, dict[str, str]] = {
    "GET /v1/partnerships/{partnership_id}": {"partnership_id": "partnership"},
    "PATCH /v1/partnerships/{partnership_id}": {"partnership_id": "partnership"},
    "POST /v1/partnerships/{partnership_id}/accept": {"partnership_id": "partnership"},
    "POST /v1/partnerships/{partnership_id}/end": {"partnership_id": "partnership"},
    "GET /v1/partnerships/{partnership_id}/changes": {"partnership_id": "partnership"},
    "GET /v1/partnerships/{partnership_id}/billing-mode-preview": {"partnership_id": "partnership"},
    "GET /v1/orders/{order_id}": {"order_id": "order"},
    "GET /v1/orders/{order_id}/explanation": {"order_id": "order"},
    "GET /v1/subscriptions/{subscription_id}": {"subscription_id": "subscription"},
    "POST /v1/subscriptions/{subscription_id}/renew": {"subscription_id": "subscription"},
    "POST /v1/subscriptions/{subscription_id}/cancel": {"subscription_id": "subscription"},
    "GET /v1/invoices/{invoice_id}": {"invoice_id": "invoice"},
    "GET /v1/invoices/{invoice_id}/pdf": {"invoice_id": "invoice"},
    "GET /v1/invoices/{invoice_id}/xml": {"invoice_id": "invoice"},
    "POST /v1/invoices/{invoice_id}/pay-from-balance": {"invoice_id": "invoice"},
    "GET /v1/payouts/{payout_id}": {"payout_id": "payout"},
    "POST /v1/payouts/{payout_id}/cancel": {"payout_id": "payout"},
    "GET /v1/events/{event_id}": {"event_id": "event"},
    "POST /v1/events/{event_id}/redeliver": {"event_id": "event"},
    "GET /v1/webhook-endpoints/{endpoint_id}": {"endpoint_id": "endpoint"},
    "PATCH /v1/webhook-endpoints/{endpoint_id}": {"endpoint_id": "endpoint"},
    "DELETE /v1/webhook-endpoints/{endpoint_id}": {"endpoint_id": "endpoint"},
    "POST /v1/webhook-endpoints/{endpoint_id}/rotate-secret": {"endpoint_id": "endpoint"},
    "GET /v1/webhook-endpoints/{endpoint_id}/deliveries": {"endpoint_id": "endpoint"},
    "POST /v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver": {
        "endpoint_id": "endpoint",
        "delivery_id": "delivery",
    },
}

# A valid body, where an operation needs one: a 422 must not stand in for the 404.
BODIES: dict[str, Any] = {
    "PATCH /v1/partnerships/{partnership_id}": {"billing_mode": "partner"},
    "PATCH /v1/webhook-endpoints/{endpoint_id}": {"enabled": False},
}

# A valid query, where an operation needs one: a 422 must not stand in for the 404.
QUERIES: dict[str, dict[str, str]] = {
    "GET /v1/partnerships/{partnership_id}/billing-mode-preview": {"billing_mode": "partner"},
}

# Path parameters of the platform's operations → the kind of object whose real id they take.
ADMIN_PARAMETERS = {
    "org_id": "customer",
    "key_id": "api_key",
    "code": "tier",
    "sku": "product",
    "invoice_id": "invoice",
    "payout_id": "payout",
    "job_id": "job",
    "operator_key_id": "api_key",
    "batch_id": "payout_batch",
    "receipt_id": "receipt",
}

# What the stranger must not be able to change (compared before and after its calls).
WATCHED_TABLES = (
    "partnerships",
    "partnership_changes",
    "orders",
    "subscriptions",
    "invoices",
    "cashback_entries",
    "events",
    "webhook_endpoints",
    "webhook_deliveries",
    "outbox_mails",
    "idempotency_records",
    "payments",
    "payouts",
    "payout_batches",
    "receipts",
    "account_entries",
)

PARAMETER = re.compile(r"\{([^}]+)\}")


async def _operations(api: Api) -> list[tuple[str, str]]:
    response = await api.client.get("/openapi.json")
    assert response.status_code == 200
    paths: dict[str, dict[str, Any]] = response.json()["paths"]
    methods = {"get", "post", "put", "patch", "delete"}
    return [(method.upper(), path) for path, item in paths.items() for method in item if method in methods]


async def _objects(
    api: Api, db: AsyncEngine, operations: list[tuple[str, str]]
) -> tuple[World, dict[str, str]]:
    """Acme's world with one object of each kind, and the real id of each."""
    w = await build_world(api)
    ids = {"partnership": w.partnership["id"], "customer": w.acme.id, "tier": "gold", "product": "domain-ch"}
    if ("POST", "/v1/webhook-endpoints") in operations:
        endpoint = await api.ok(
            w.acme, "POST", "/v1/webhook-endpoints", json={"url": "https://hooks.acme.example/billing"}
        )
        ids["endpoint"] = endpoint["id"]
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    ids["order"] = order["id"]
    ids["subscription"] = order["subscription_id"]
    ids["invoice"] = (await api.ok(w.acme, "GET", f"/v1/orders/{order['id']}"))["invoice_id"]
    [ids["event"]] = [
        r.id for r in await rows(db, "SELECT id FROM events WHERE org_id = :o LIMIT 1", o=w.acme.id)
    ]
    [ids["api_key"]] = [
        r.id for r in await rows(db, "SELECT id FROM api_keys WHERE org_id = :o", o=w.acme.id)
    ]
    if ("POST", "/v1/payouts") in operations:
        ids["payout"] = await _payout(api, db, w)
    if ("POST", "/v1/admin/payout-batches") in operations:
        ids["payout_batch"] = await _payout_batch(api)
    if ("GET", "/v1/admin/receipts/{receipt_id}") in operations:
        ids["receipt"] = await _receipt(api)
    if ("GET", "/v1/admin/jobs/{job_id}") in operations:
        await api.ok(None, "POST", "/v1/admin/renewals/run", json={})
        [ids["job"]] = [r.id for r in await rows(db, "SELECT id FROM jobs")]
    if "endpoint" in ids:
        deliveries = await rows(
            db, "SELECT id FROM webhook_deliveries WHERE endpoint_id = :e LIMIT 1", e=ids["endpoint"]
        )
        assert deliveries, "the order's events are delivered to Acme's endpoint"
        ids["delivery"] = deliveries[0].id
    return w, ids


async def _payout(api: Api, db: AsyncEngine, w: World) -> str:
    """A payout of Acme's, from money put on its account."""
    async with transaction(db) as conn:
        await move(conn, w.acme.id, "CHF", Decimal("80.00"), EntryKind.ADJUSTMENT, "test", utcnow())
    await api.ok(w.acme, "PATCH", "/v1/organizations/me", json={"payout_iban": "CH9300762011623852957"})
    payout = await api.ok(w.acme, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "50.00"})
    return str(payout["id"])


async def _receipt(api: Api) -> str:
    """An open receipt: a bank credit that quotes no reference of ours."""
    answer = await api.ok(
        None,
        "POST",
        "/v1/admin/payments/import",
        content=camt054([(None, "50.00", "CHF", "NOT-OURS")]),
        headers={"Content-Type": "application/xml"},
    )
    return str(answer["unmatched"][0]["receipt_id"])


async def _payout_batch(api: Api) -> str:
    """A batch of Acme's payout (sent from the issuer's payout account)."""
    await api.ok(None, "PUT", "/v1/admin/issuer", json=issuer_body(payout_accounts=PAYOUT_ACCOUNTS))
    batch = await api.ok(None, "POST", "/v1/admin/payout-batches", json={"currency": "CHF"})
    return str(batch["id"])


def _fill(path: str, kinds: dict[str, str], ids: dict[str, str]) -> str:
    return PARAMETER.sub(lambda m: ids[kinds[m.group(1)]], path)


async def _snapshot(api: Api, db: AsyncEngine, w: World, ids: dict[str, str]) -> list[Any]:
    views = [
        await api.ok(w.acme, "GET", f"/v1/partnerships/{ids['partnership']}"),
        await api.ok(w.acme, "GET", f"/v1/subscriptions/{ids['subscription']}"),
        await api.ok(w.acme, "GET", f"/v1/invoices/{ids['invoice']}"),
    ]
    if "payout" in ids:
        views.append(await api.ok(w.acme, "GET", f"/v1/payouts/{ids['payout']}"))
        views.append(await api.ok(w.acme, "GET", "/v1/account"))
    if "endpoint" in ids:
        views.append(await api.ok(w.acme, "GET", f"/v1/webhook-endpoints/{ids['endpoint']}"))
    return [*views, await counts(db, WATCHED_TABLES)]


async def test_a_stranger_gets_404_for_every_object_of_others(api: Api, db: AsyncEngine) -> None:
    operations = await _operations(api)
    with_ids = [(m, p) for m, p in operations if "{" in p and not p.startswith("/v1/admin/")]
    names = {f"{m} {p}" for m, p in with_ids}
    assert {"GET /v1/orders/{order_id}", "GET /v1/invoices/{invoice_id}"} <= names
    unknown = sorted(names - ORG_OPERATIONS.keys())
    assert not unknown, f"add these operations to ORG_OPERATIONS: {unknown}"
    w, ids = await _objects(api, db, operations)
    before = await _snapshot(api, db, w, ids)

    for method, template in with_ids:
        operation = f"{method} {template}"
        path = _fill(template, ORG_OPERATIONS[operation], ids)
        kwargs: dict[str, Any] = {"json": BODIES[operation]} if operation in BODIES else {}
        if operation in QUERIES:
            kwargs["params"] = QUERIES[operation]
        response = await api.call(w.stranger, method, path, **kwargs)
        assert_problem(response, 404, "not_found")
        # The same answer as for an id that does not exist at all.
        missing = PARAMETER.sub("xx_00000000000000000000000000", template)
        assert_problem(await api.call(w.stranger, method, missing, **kwargs), 404, "not_found")

    assert await _snapshot(api, db, w, ids) == before


async def test_an_organisation_key_gets_403_from_every_admin_operation(api: Api, db: AsyncEngine) -> None:
    operations = await _operations(api)
    admin = [(m, p) for m, p in operations if p.startswith("/v1/admin/")]
    assert admin
    params = {name for _, p in admin for name in PARAMETER.findall(p)}
    assert params <= ADMIN_PARAMETERS.keys(), f"add to ADMIN_PARAMETERS: {params - ADMIN_PARAMETERS.keys()}"
    w, ids = await _objects(api, db, operations)
    before = await _snapshot(api, db, w, ids)

    for method, template in admin:
        path = _fill(template, ADMIN_PARAMETERS, ids)
        for who in (w.stranger, w.acme):
            assert_problem(await api.call(who, method, path), 403, "forbidden")
            # Refused before the body is even looked at.
            assert_problem(await api.call(who, method, path, json={"x": 1}), 403, "forbidden")

    assert await _snapshot(api, db, w, ids) == before
