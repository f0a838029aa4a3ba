"""Free text that ends up in mail headers, log lines and documents is one line of printable text:
names, webhook descriptions and credit-note reasons refuse controls, line and paragraph
separators and bidirectional controls, and the OpenAPI patterns say exactly that."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema_rs
import pytest
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.fields import Description, Name, Reason
from tests.asserts import assert_refused_field, assert_unreadable_body
from tests.support import Api, build_world, count

BAD_TEXT = ["A\u2028B", "A\u2029B", "A\x85B", "A\x9bB", "A\x7fB", "A\u202eB", "A\u2066B\u2069", "A\x00B"]
ORG = {"name": "Acme AG", "billing_email": "billing@acme.example", "currency": "CHF", "vat_rate": "0.081"}


def _accepts(adapter: TypeAdapter[str], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("schema", "field", "kind"),
    [
        ("OrganizationCreate", "name", Name),
        ("OrganizationUpdate", "name", Name),
        ("TierPut", "name", Name),
        ("ProductPut", "name", Name),
        ("EndpointCreate", "description", Description),
        ("EndpointUpdate", "description", Description),
        ("CreditNoteCreate", "reason", Reason),
    ],
)
async def test_the_documented_pattern_accepts_exactly_what_the_service_accepts(
    api: Api, schema: str, field: str, kind: Any
) -> None:
    schemas = (await api.client.get("/openapi.json")).json()["components"]["schemas"]
    prop = schemas[schema]["properties"][field]
    [pattern] = {variant["pattern"] for variant in [prop, *prop.get("anyOf", ())] if "pattern" in variant}
    # Read as Python reads it, and as the Rust engine of schemathesis' validator does (a pattern
    # that engine cannot compile would be dropped, and fuzzers would ignore it).
    python = re.compile(pattern)
    rust = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    adapter: TypeAdapter[str] = TypeAdapter(kind)
    # Not the surrogates: no pattern can name them for Rust; the service refuses them regardless.
    samples = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    samples += ["\U0001f600", "\U000e0001", "\U0010fffd"]
    disagree = [
        f"U+{ord(c):04X}"
        for c in samples
        if len({bool(python.fullmatch(f"A{c}B")), rust.is_valid(f"A{c}B"), _accepts(adapter, f"A{c}B")}) > 1
    ]
    assert disagree == []
    for bad in BAD_TEXT:
        assert not python.fullmatch(bad) and not rust.is_valid(bad) and not _accepts(adapter, bad)
    assert not _accepts(adapter, "A\ud800B") and not _accepts(adapter, "A\udfffB")


async def test_a_lone_surrogate_in_a_name_is_refused_on_create_and_update(api: Api, db: AsyncEngine) -> None:
    # A JSON \ud800 escape: JSON by its grammar, but no character that UTF-8 or PostgreSQL could
    # store; the body is refused as unreadable, before any field is looked at.
    body = json.dumps({**ORG, "name": "Acme \ud800"}).encode()
    headers = {**api.admin_auth, "Content-Type": "application/json"}
    created = await api.client.post("/v1/admin/organizations", content=body, headers=headers)
    assert_unreadable_body(created)
    assert await count(db, "organizations") == 0

    org = await api.org("Acme")
    path = f"/v1/admin/organizations/{org.id}"
    updated = await api.client.patch(path, content=json.dumps({"name": "\udfff"}).encode(), headers=headers)
    assert_unreadable_body(updated)
    assert await api.ok(None, "GET", path) == org.data


@pytest.mark.parametrize("bad", BAD_TEXT, ids=ascii)
async def test_a_webhook_description_must_be_one_printable_line(api: Api, db: AsyncEngine, bad: str) -> None:
    acme = await api.org("Acme")
    url = "https://hooks.example.com/partnerbilling"
    created = await api.call(acme, "POST", "/v1/webhook-endpoints", json={"url": url, "description": bad})
    assert_refused_field(created, "description")
    assert await count(db, "webhook_endpoints") == 0

    endpoint = await api.ok(acme, "POST", "/v1/webhook-endpoints", json={"url": url, "description": "ERP"})
    path = f"/v1/webhook-endpoints/{endpoint['id']}"
    updated = await api.call(acme, "PATCH", path, json={"description": bad})
    assert_refused_field(updated, "description")
    assert (await api.ok(acme, "GET", path))["description"] == "ERP"


@pytest.mark.parametrize("bad", BAD_TEXT, ids=ascii)
async def test_a_credit_note_reason_must_be_one_printable_line(api: Api, db: AsyncEngine, bad: str) -> None:
    w = await build_world(api)
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    invoice_id = (await api.ok(w.acme, "GET", f"/v1/orders/{order['id']}"))["invoice_id"]
    invoices = await count(db, "invoices")

    response = await api.admin("POST", f"/v1/admin/invoices/{invoice_id}/credit-note", json={"reason": bad})
    assert_refused_field(response, "reason")
    assert await count(db, "invoices") == invoices
