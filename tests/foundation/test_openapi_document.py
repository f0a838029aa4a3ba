"""The OpenAPI document as a generated client or a person in /docs reads it: stable operation ids,
declared headers, typed times, maps and events, and per-operation error responses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from partnerbilling.app import create_app
from partnerbilling.events.schemas import ORGANIZATION_EVENT_TYPES, PLATFORM_EVENT_TYPES
from partnerbilling.settings import Settings

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    """The document the app serves (it needs no database to build it)."""
    return create_app(Settings(database_url="postgresql+asyncpg://unused/unused")).openapi()


def operations(doc: dict[str, Any], section: str = "paths") -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc.get(section, {}).items():
        for method, op in item.items():
            if method in METHODS:
                yield method, path, op


def test_every_operation_has_a_short_unique_camel_case_id(doc: dict[str, Any]) -> None:
    sections = ("paths", "webhooks")
    ids = [op.get("operationId", "") for section in sections for _, _, op in operations(doc, section)]
    assert len(ids) >= 40
    for op_id in ids:
        assert re.fullmatch(r"[a-z][A-Za-z]+", op_id), op_id
        assert len(op_id) <= 32, op_id
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)
    by_route = {f"{m.upper()} {p}": op["operationId"] for m, p, op in operations(doc)}
    assert by_route["POST /v1/orders"] == "placeOrder"
    assert by_route["POST /v1/admin/organizations/{org_id}/api-keys"] == "createApiKey"
    assert by_route["PUT /v1/admin/reseller-tiers/{code}"] == "putResellerTier"


def _is_time(name: str) -> bool:
    return name.endswith(("_at", "_since")) or name in ("as_of", "current_period_start", "current_period_end")


def _variants(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in prop.get("anyOf", [prop]) if v.get("type") != "null"]


def test_every_time_is_a_date_time_string(doc: dict[str, Any]) -> None:
    times = 0
    for name, schema in doc["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            if _is_time(field):
                times += 1
                [variant] = _variants(prop)
                assert (variant["type"], variant.get("format")) == ("string", "date-time"), (name, field)
    assert times >= 25


def test_every_post_declares_the_idempotency_key_and_its_replay_header(doc: dict[str, Any]) -> None:
    posts = 0
    for method, path, op in operations(doc):
        headers = [p for p in op.get("parameters", []) if p["in"] == "header"]
        if method != "post" or not path.startswith("/v1/"):
            assert headers == [], (method, path)
            continue
        posts += 1
        [key] = headers
        assert key["name"] == "Idempotency-Key"
        assert key["required"] is False
        assert key["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}
        assert "idempotency_key_reused" in key["description"]
        successes = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        assert successes, path
        for response in successes.values():
            assert response["headers"]["Idempotent-Replayed"]["schema"] == {
                "type": "string",
                "enum": ["true"],
            }
    assert posts >= 15


def test_no_map_reads_as_an_object_without_fields(doc: dict[str, Any]) -> None:
    """A map is `additionalProperties: {value}` with `propertyNames: {key}`, which generators
    turn into a dict; `patternProperties` alone made an empty model that dropped every rate."""
    assert "patternProperties" not in json.dumps(doc)
    schemas = doc["components"]["schemas"]
    rates, prices = schemas["TierPut"]["properties"]["rates"], schemas["ProductPut"]["properties"]["prices"]
    assert rates["type"] == prices["type"] == "object"
    assert (
        rates["additionalProperties"]["pattern"]
        == schemas["TierPut"]["properties"]["default_rate"]["pattern"]
    )
    assert rates["propertyNames"]["pattern"] == "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
    assert prices["additionalProperties"]["type"] == "string"
    assert prices["propertyNames"] == {"enum": ["CHF", "EUR"]}
    assert prices["minProperties"] == 1
    assert "rates" in schemas["TierPut"]["required"]
    assert "prices" in schemas["ProductPut"]["required"]


def test_the_examples_say_what_the_fields_mean(doc: dict[str, Any]) -> None:
    tier, product = doc["components"]["schemas"]["TierPut"], doc["components"]["schemas"]["ProductPut"]
    assert product["properties"]["category"]["examples"] == ["hosting"]
    assert tier["properties"]["rates"]["propertyNames"]["examples"] == ["hosting"]
    assert tier["properties"]["rates"]["additionalProperties"]["examples"] == ["0.20"]
    assert tier["properties"]["default_rate"]["examples"] == ["0.10"]
    # A tier's code is the one thing "gold" names.
    for name, schema in doc["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            if "gold" in json.dumps(prop):
                assert field == "reseller_tier", (name, field)


def _problems(op: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Status → {example name: problem body} of an operation's error responses."""
    return {
        int(status): {
            name: example["value"]
            for name, example in response["content"]["application/problem+json"]["examples"].items()
        }
        for status, response in op["responses"].items()
        if not status.startswith("2")
    }


def _codes(op: dict[str, Any], status: int) -> set[str]:
    return {body["code"] for body in _problems(op).get(status, {}).values()}


def test_each_error_status_has_its_own_examples(doc: dict[str, Any]) -> None:
    expected_codes = {
        401: {"unauthenticated"},
        403: {"forbidden", "role_forbidden"},
        404: {"not_found", "issuer_not_configured"},  # the issuer: a singleton not yet configured
        413: {"payload_too_large"},
        415: {"unsupported_media_type"},
        429: {"rate_limited"},
        500: {"internal_error"},
        # A run's job that failed (its request may start another): POST /v1/admin/*/run.
        503: {"service_unavailable", "timeout", "conflict_retry", "job_failed"},
    }
    for method, path, op in operations(doc):
        for status, bodies in _problems(op).items():
            assert bodies, (method, path, status)
            for body in bodies.values():
                assert body["status"] == status, (method, path, status, body)
                assert body["type"].endswith("/" + body["code"])
                assert {"type", "title", "status", "detail", "code", "request_id"} <= body.keys()
                if status in expected_codes:
                    assert body["code"] in expected_codes[status], (method, path, body)
                if body["code"] == "validation_error":
                    [error] = body["errors"]
                    if error["loc"] == ["body"]:  # the body as a whole could not be read
                        assert body["detail"] == f"The request body is {error['msg']}."
                    else:
                        assert body["detail"] == f"{'.'.join(error['loc'])}: {error['msg']}"


def test_each_operation_lists_only_the_statuses_its_kind_can_answer(doc: dict[str, Any]) -> None:
    for method, path, op in operations(doc):
        where, statuses = f"{method.upper()} {path}", set(_problems(op))
        if not path.startswith("/v1/"):
            assert statuses <= {500, 503}, where
            continue
        has_body, has_id = "requestBody" in op, "{" in path
        assert {401, 429, 500, 503} <= statuses, where
        assert ({413, 415} <= statuses) == has_body, where
        assert 400 not in statuses, where  # an unreadable body is a 422 like any invalid input
        assert not has_body or 422 in statuses, where
        if not has_id:
            # (The issuer is one object, which does not exist before the platform configures it.)
            assert 404 not in statuses or method == "post" or where == "GET /v1/admin/issuer", where
        if method == "post":
            assert "idempotency_key_in_use" in _codes(op, 409), where
            assert "idempotency_key_reused" in _codes(op, 422), where
        elif method == "get" and path.endswith(("/pdf", "/xml", "/top-up.pdf")):
            # A document issued without an issuer; a top-up slip without the issuer's account.
            assert _codes(op, 409) == {"issuer_not_configured"}, where
        elif method == "get" and path.endswith("/billing-mode-preview"):
            # Only an active partnership has a billing mode to switch.
            assert _codes(op, 409) == {"partnership_not_active", "partnership_ended"}, where
        elif method == "get":
            assert 409 not in statuses, where
        if path.startswith("/v1/admin/"):
            [admin_only] = [b for b in _problems(op)[403].values() if "platform token" in b["detail"]]
            assert admin_only["code"] == "forbidden"
    by_route = {f"{m.upper()} {p}": op for m, p, op in operations(doc)}
    me, products = by_route["GET /v1/organizations/me"], by_route["GET /v1/products"]
    assert set(_problems(me)) == {401, 403, 429, 500, 503}
    assert set(_problems(products)) == {401, 422, 429, 500, 503}
    assert set(_problems(by_route["GET /v1/orders"])) == {401, 403, 422, 429, 500, 503}


def test_operations_list_their_domain_errors(doc: dict[str, Any]) -> None:
    by_route = {f"{m.upper()} {p}": op for m, p, op in operations(doc)}
    place_order = by_route["POST /v1/orders"]
    assert _codes(place_order, 404) == {"not_found"}
    assert _codes(place_order, 422) >= {"validation_error", "unknown_product", "price_not_available"}
    create = by_route["POST /v1/partnerships"]
    assert _codes(create, 409) == {"partnership_exists", "idempotency_key_in_use"}
    assert _codes(create, 422) >= {"billing_mode_requires_full_access", "partner_not_reseller"}
    assert "partnership_ended" in _codes(by_route["PATCH /v1/partnerships/{partnership_id}"], 409)
    assert "invalid_state" in _codes(by_route["POST /v1/admin/invoices/{invoice_id}/pay"], 409)
    assert "subscription_cancelled" in _codes(by_route["POST /v1/subscriptions/{subscription_id}/renew"], 409)
    assert "category_rates_required" in _codes(by_route["PUT /v1/admin/reseller-tiers/{code}"], 422)
    assert "unknown_reseller_tier" in _codes(by_route["POST /v1/admin/organizations"], 422)
    assert "webhook_url_private" in _codes(by_route["POST /v1/webhook-endpoints"], 422)


DATA_OF = {
    "partnership": "PartnershipRead",
    "order": "OrderRead",
    "subscription": "SubscriptionRead",
    "invoice": "InvoiceRead",
    "cashback": "CashbackEntryRead",
    "webhook_endpoint": "EndpointRead",
    "account": "AccountEntryRead",
    "payment": "PaymentRead",
    "payout": "PayoutRead",
    "payout_batch": "PayoutBatchRead",
    # The platform's log only (GET /v1/admin/events).
    "organization": "OrganizationRead",
    "issuer": "IssuerRead",
    "receipt": "ReceiptRead",
    "job": "JobRead",
    "journal": "JournalSeal",
}


def test_each_event_type_has_a_typed_document_and_a_webhook(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    [event] = [op for m, p, op in operations(doc) if p == "/v1/events/{event_id}"]
    union = event["responses"]["200"]["content"]["application/json"]["schema"]
    mapping = union["discriminator"]["mapping"]
    assert union["discriminator"]["propertyName"] == "type"
    # An organisation's log and webhooks: the platform's own events are not among them.
    assert sorted(mapping) == sorted(ORGANIZATION_EVENT_TYPES)
    assert sorted(ref["$ref"] for ref in union["oneOf"]) == sorted(mapping.values())
    listed = schemas["EventList"]["properties"]["data"]["items"]
    assert listed["discriminator"] == union["discriminator"]

    assert list(doc["webhooks"]) == list(ORGANIZATION_EVENT_TYPES)
    for event_type, ref in mapping.items():
        schema = schemas[ref.rsplit("/", 1)[1]]
        assert schema["properties"]["type"]["const"] == event_type
        assert schema["properties"]["data"] == {
            "$ref": f"#/components/schemas/{DATA_OF[event_type.split('.')[0]]}"
        }
        assert schema["description"].strip()
        hook = doc["webhooks"][event_type]["post"]
        assert hook["requestBody"]["content"]["application/json"]["schema"] == {"$ref": ref}
        headers = {p["name"]: p for p in hook["parameters"] if p["in"] == "header"}
        assert sorted(headers) == ["webhook-id", "webhook-signature", "webhook-timestamp"]
        assert all(h["required"] and h["description"] for h in headers.values())
        assert hook["security"] == []


def test_each_event_type_of_the_platforms_log_has_a_typed_document(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    listed = schemas["PlatformEventList"]["properties"]["data"]["items"]
    mapping = listed["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(PLATFORM_EVENT_TYPES)
    assert {"job.completed", "job.failed"} <= set(mapping)
    for event_type, ref in mapping.items():
        schema = schemas[ref.rsplit("/", 1)[1]]
        assert schema["properties"]["data"] == {
            "$ref": f"#/components/schemas/{DATA_OF[event_type.split('.')[0]]}"
        }
        assert schema["description"].strip()
