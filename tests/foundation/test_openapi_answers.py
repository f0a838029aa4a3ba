"""The OpenAPI document against the service's real answers: event documents match their type's
schema, every time is documented as one, and each refusal's status and code are listed, with an
example, on the operation that gave it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from tests.support import Api, Org, World, build_world

READS = (
    "/v1/organizations/me",
    "/v1/partnerships",
    "/v1/orders",
    "/v1/subscriptions",
    "/v1/invoices",
    "/v1/cashback/entries",
    "/v1/events",
    "/v1/webhook-endpoints",
)
PROBLEM, JSON = "application/problem+json", "application/json"
ORG = {"name": "Beta AG", "billing_email": "billing@beta.example", "currency": "CHF", "vat_rate": "0.081"}
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def _validator(doc: dict[str, Any], name: str) -> Any:
    schema = {"components": doc["components"], "$ref": f"#/components/schemas/{name}"}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


async def _busy_world(api: Api) -> tuple[World, dict[str, Any]]:
    """Worked example A and what can follow it: a payment, a renewal, a cancellation, a
    billing-mode change and a credit note, so that every kind of event exists."""
    w = await build_world(api)
    endpoint = await api.ok(
        w.acme, "POST", "/v1/webhook-endpoints", json={"url": "https://hooks.acme.example/x"}
    )
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    invoice_id = (await api.ok(w.acme, "GET", f"/v1/orders/{order['id']}"))["invoice_id"]
    await api.ok(None, "POST", f"/v1/admin/invoices/{invoice_id}/pay", json={})
    renewal = await api.ok(w.agency, "POST", f"/v1/subscriptions/{order['subscription_id']}/renew")
    await api.ok(w.acme, "POST", f"/v1/subscriptions/{order['subscription_id']}/cancel")
    await api.ok(w.acme, "PATCH", f"/v1/partnerships/{w.partnership['id']}", json={"billing_mode": "partner"})
    second = await api.order(w.acme, w.acme, "domain-ch", 3)  # case D: WebAgency pays
    second_invoice = (await api.ok(w.agency, "GET", f"/v1/orders/{second['id']}"))["invoice_id"]
    await api.ok(None, "POST", f"/v1/admin/invoices/{second_invoice}/credit-note", json={"reason": "x"})
    return w, {"order": order, "renewal": renewal, "second": second, "endpoint": endpoint}


async def test_every_event_matches_the_document_of_its_type(api: Api) -> None:
    doc = (await api.client.get("/openapi.json")).json()
    w, _ = await _busy_world(api)
    seen: set[str] = set()
    for who in (w.acme, w.agency):
        page = await api.ok(who, "GET", "/v1/events?limit=100")
        assert _validator(doc, "EventList").is_valid(page)
        for event in page["data"]:
            ref = doc["webhooks"][event["type"]]["post"]["requestBody"]["content"]["application/json"]
            name = ref["schema"]["$ref"].rsplit("/", 1)[1]
            errors = [e.message for e in _validator(doc, name).iter_errors(event)]
            assert errors == [], (event["type"], errors)
            # Another type's document does not fit it: `type` tells them apart.
            other = "InvoicePaidEvent" if name == "OrderCreatedEvent" else "OrderCreatedEvent"
            assert not _validator(doc, other).is_valid(event)
            seen.add(event["type"])
    assert len(seen) >= 13, sorted(seen)


def _times(value: Any, key: str = "") -> Iterator[str]:
    """The keys of every RFC 3339 time in a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _times(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _times(item, key)
    elif isinstance(value, str) and _RFC3339.match(value):
        yield key


async def test_every_time_in_an_answer_is_documented_as_a_date_time(api: Api) -> None:
    doc = (await api.client.get("/openapi.json")).json()
    w, made = await _busy_world(api)
    documented = {
        field
        for schema in doc["components"]["schemas"].values()
        for field, prop in schema.get("properties", {}).items()
        if any(v.get("format") == "date-time" for v in prop.get("anyOf", [prop]))
    }
    answers = [await api.ok(None, "POST", "/v1/admin/renewals/run", json={})]
    for who in (w.acme, w.agency):
        for path in READS:
            answers.append(await api.ok(who, "GET", path))
    answers.append(await api.ok(w.acme, "GET", f"/v1/partnerships/{w.partnership['id']}/changes"))
    answers.append(await api.ok(w.acme, "GET", f"/v1/webhook-endpoints/{made['endpoint']['id']}/deliveries"))
    answers.append(await api.ok(None, "POST", f"/v1/admin/organizations/{w.acme.id}/api-keys"))
    keys = {key for answer in answers for key in _times(answer)}
    assert {"created_at", "issued_at", "current_period_end", "changed_at", "as_of"} <= keys
    assert keys <= documented, keys - documented


def _documented(doc: dict[str, Any], method: str, path: str, status: int) -> set[str]:
    """The codes the document shows for this status of the operation that serves ``path``
    (empty: the status is not listed)."""
    path = path.split("?")[0]
    [template] = [t for t in doc["paths"] if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", t), path)]
    response = doc["paths"][template][method.lower()]["responses"].get(str(status))
    if response is None:
        return set()
    return {example["value"]["code"] for example in response["content"][PROBLEM]["examples"].values()}


async def test_every_refusal_is_documented_on_its_operation(api: Api) -> None:
    doc = (await api.client.get("/openapi.json")).json()
    w, made = await _busy_world(api)
    euro = await api.org("Euro GmbH", currency="EUR")
    paid = (await api.ok(w.acme, "GET", f"/v1/orders/{made['order']['id']}"))["invoice_id"]
    sub, partnership = made["order"]["subscription_id"], f"/v1/partnerships/{w.partnership['id']}"
    cases: list[tuple[Org | None, str, str, dict[str, Any]]] = [
        (w.acme, "POST", "/v1/partnerships", {"json": {"partner_id": w.agency.id, "access": "full"}}),
        (w.acme, "POST", "/v1/partnerships", {"json": {"partner_id": w.acme.id, "access": "full"}}),
        (w.agency, "POST", f"{partnership}/accept", {}),
        (w.agency, "PATCH", partnership, {"json": {"access": "full"}}),
        (
            w.acme,
            "POST",
            "/v1/orders",
            {"json": {"customer_id": w.stranger.id, "sku": "domain-ch", "quantity": 1}},
        ),
        (w.acme, "POST", "/v1/orders", {"json": {"customer_id": w.acme.id, "sku": "nope", "quantity": 1}}),
        (euro, "POST", "/v1/orders", {"json": {"customer_id": euro.id, "sku": "domain-ch", "quantity": 1}}),
        (w.acme, "POST", "/v1/orders", {"json": {"customer_id": w.acme.id, "sku": "domain-ch"}}),
        (w.acme, "POST", "/v1/orders", {"content": b'{"sku": "\xff"}', "headers": {"content-type": JSON}}),
        (
            w.acme,
            "POST",
            "/v1/orders",
            {"content": b"sku=domain-ch", "headers": {"content-type": "text/plain"}},
        ),
        (w.acme, "POST", "/v1/orders", {"json": {}, "headers": {"Idempotency-Key": ""}}),
        (w.acme, "POST", f"/v1/subscriptions/{sub}/renew", {}),
        (w.acme, "GET", "/v1/orders/ord_missing", {}),
        (w.acme, "GET", "/v1/orders?limit=0", {}),
        (w.acme, "GET", f"/v1/admin/organizations/{w.acme.id}", {}),
        (w.acme, "POST", "/v1/webhook-endpoints", {"json": {"url": "not a url"}}),
        (None, "GET", "/v1/orders", {}),
        (
            None,
            "PUT",
            "/v1/admin/reseller-tiers/gold",
            {"json": {"name": "Gold", "default_rate": "0.1", "rates": {}}},
        ),
        (None, "POST", "/v1/admin/organizations", {"json": {**ORG, "reseller_tier": "platinum"}}),
        (None, "POST", f"/v1/admin/invoices/{paid}/pay", {}),
    ]
    seen = set()
    for who, method, path, kwargs in cases:
        response = await (
            api.admin(method, path, **kwargs) if who is None else api.call(who, method, path, **kwargs)
        )
        body = response.json()
        assert body["code"] in _documented(doc, method, path, response.status_code), (method, path, body)
        seen.add(body["code"])
    unauthenticated = await api.client.get("/v1/orders")
    assert "unauthenticated" in _documented(doc, "GET", "/v1/orders", unauthenticated.status_code)
    assert seen == {
        "category_rates_required",
        "forbidden",
        "invalid_state",
        "not_found",
        "partner_is_customer",
        "partnership_exists",
        "price_not_available",
        "subscription_cancelled",
        "unknown_product",
        "unknown_reseller_tier",
        "unsupported_media_type",
        "validation_error",
    }
