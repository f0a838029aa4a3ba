"""The organisation's billing profile over HTTP: the platform sets every field, the organisation
its own profile only; invalid numbers are 422 with their code, naming the field; `null` clears;
a refused request changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from tests.asserts import assert_problem, assert_refused_field
from tests.profiles.helpers import BERLIN, CH_IBAN, SWISS_UID, ZURICH, snapshot, stored
from tests.support import Api

ORG = {"name": "Acme", "billing_email": "billing@acme.example", "currency": "CHF", "vat_rate": "0.081"}
PROFILE_KEYS = {
    "legal_name",
    "address",
    "vat_id",
    "language",
    "payout_iban",
    "auto_pay_from_balance",
    "reverse_charge",
}


async def test_a_new_organisation_has_a_default_profile(api: Api) -> None:
    acme = await api.org("Acme")
    shown = await api.ok(acme, "GET", "/v1/organizations/me")
    assert {k: shown[k] for k in PROFILE_KEYS} == {
        "legal_name": "Acme",  # its name until it has a legal name of its own
        "address": None,
        "vat_id": None,
        "language": "en",
        "payout_iban": None,
        "auto_pay_from_balance": False,
        "reverse_charge": False,
    }


async def test_the_platform_creates_an_organisation_with_its_profile(api: Api) -> None:
    created = await api.ok(
        None,
        "POST",
        "/v1/admin/organizations",
        json={
            **ORG,
            "legal_name": "Acme AG",
            "address": ZURICH,
            "vat_id": "che116281710 mwst",
            "language": "de",
            "payout_iban": "ch93 0076 2011 6238 5295 7",
            "auto_pay_from_balance": True,
        },
    )
    assert created["legal_name"] == "Acme AG"
    assert created["address"] == stored(ZURICH)
    assert created["vat_id"] == f"{SWISS_UID} MWST"
    assert created["payout_iban"] == CH_IBAN
    assert (created["language"], created["auto_pay_from_balance"]) == ("de", True)
    assert await api.ok(None, "GET", f"/v1/admin/organizations/{created['id']}") == created


async def test_the_platform_edits_every_field_and_null_clears(api: Api) -> None:
    acme = await api.org("Acme")
    path = f"/v1/admin/organizations/{acme.id}"
    changes = {
        "name": "Acme Holding",
        "vat_rate": "0.077",
        "currency": "EUR",
        "legal_name": "Acme AG",
        "address": BERLIN,
        "vat_id": "DE136695976",
        "language": "fr",
        "payout_iban": CH_IBAN,
        "auto_pay_from_balance": True,
        "reverse_charge": True,
    }
    changed = await api.ok(None, "PATCH", path, json=changes)
    assert {k: changed[k] for k in changes} == {**changes, "address": stored(BERLIN)}
    cleared = await api.ok(
        None, "PATCH", path, json={"reverse_charge": False, "legal_name": None, "payout_iban": None}
    )
    assert (cleared["legal_name"], cleared["payout_iban"]) == ("Acme Holding", None)
    cleared = await api.ok(None, "PATCH", path, json={"address": None, "vat_id": None})
    assert (cleared["address"], cleared["vat_id"]) == (None, None)


async def test_an_organisation_edits_its_own_profile(api: Api) -> None:
    acme = await api.org("Acme")
    changes = {
        "billing_email": "accounts@acme.example",
        "legal_name": "Acme AG",
        "address": ZURICH,
        "vat_id": SWISS_UID,
        "language": "it",
        "payout_iban": CH_IBAN,
        "auto_pay_from_balance": True,
    }
    changed = await api.ok(acme, "PATCH", "/v1/organizations/me", json=changes)
    assert {k: changed[k] for k in changes} == {**changes, "address": stored(ZURICH)}
    assert await api.ok(acme, "GET", "/v1/organizations/me") == changed
    assert await api.ok(None, "GET", f"/v1/admin/organizations/{acme.id}") == changed
    cleared = await api.ok(acme, "PATCH", "/v1/organizations/me", json={"vat_id": None, "address": None})
    assert (cleared["vat_id"], cleared["address"]) == (None, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("currency", "EUR"),
        ("vat_rate", "0"),
        ("reseller_tier", "gold"),
        ("reseller_tier", None),
        ("reverse_charge", True),
        ("reverse_charge", False),
        ("name", "Acme Renamed"),
        ("id", "org_other"),
        ("created_at", "2026-01-01T00:00:00Z"),
    ],
)
async def test_an_organisation_may_not_change_the_platforms_fields(
    api: Api, db: AsyncEngine, field: str, value: Any
) -> None:
    acme = await api.org("Acme")
    before = await snapshot(db)
    response = await api.call(
        acme, "PATCH", "/v1/organizations/me", json={"legal_name": "Acme AG", field: value}
    )
    problem = assert_refused_field(response, field)
    assert problem["errors"] == [{"loc": ["body", field], "msg": problem["errors"][0]["msg"]}]
    assert await snapshot(db) == before


async def test_the_platform_token_has_no_own_profile(api: Api) -> None:
    response = await api.admin("PATCH", "/v1/organizations/me", json={"language": "de"})
    assert_problem(response, 403, "forbidden")
    assert_problem(await api.client.patch("/v1/organizations/me", json={}), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("body", "loc", "code"),
    [
        ({"vat_id": "CHE-116.281.711"}, ["body", "vat_id"], "invalid_vat_id"),
        ({"vat_id": "DE136695977"}, ["body", "vat_id"], "invalid_vat_id"),
        ({"vat_id": "136695976"}, ["body", "vat_id"], "invalid_vat_id"),
        ({"payout_iban": "CH9300762011623852958"}, ["body", "payout_iban"], "invalid_iban"),
        ({"address": {**ZURICH, "country": "XX"}}, ["body", "address", "country"], "validation_error"),
        ({"address": {**ZURICH, "country": "ch"}}, ["body", "address", "country"], "validation_error"),
        ({"address": {**ZURICH, "city": "Z" * 36}}, ["body", "address", "city"], "validation_error"),
        ({"address": {**ZURICH, "street": "A\x00B"}}, ["body", "address", "street"], "validation_error"),
        ({"address": {**ZURICH, "floor": "3"}}, ["body", "address", "floor"], "validation_error"),
        ({"language": "es"}, ["body", "language"], "validation_error"),
        ({"language": None}, ["body", "language"], "validation_error"),
        ({"auto_pay_from_balance": "true"}, ["body", "auto_pay_from_balance"], "validation_error"),
    ],
)
async def test_invalid_profile_fields_are_refused_naming_the_field(
    api: Api, db: AsyncEngine, body: dict[str, Any], loc: list[str], code: str
) -> None:
    acme = await api.org("Acme")
    await api.ok(acme, "PATCH", "/v1/organizations/me", json={"vat_id": SWISS_UID, "address": BERLIN})
    before = await snapshot(db)
    for response in (
        await api.call(acme, "PATCH", "/v1/organizations/me", json=body),
        await api.admin("PATCH", f"/v1/admin/organizations/{acme.id}", json=body),
        await api.admin("POST", "/v1/admin/organizations", json={**ORG, **body}),
    ):
        problem = assert_problem(response, 422, code)
        assert [error["loc"] for error in problem["errors"]] == [loc]
    assert await snapshot(db) == before


async def test_a_request_with_several_faults_is_a_plain_validation_error(api: Api) -> None:
    acme = await api.org("Acme")
    response = await api.call(
        acme, "PATCH", "/v1/organizations/me", json={"vat_id": "DE136695977", "payout_iban": "CH00"}
    )
    problem = assert_problem(response, 422, "validation_error")
    assert sorted(e["loc"][-1] for e in problem["errors"]) == ["payout_iban", "vat_id"]
    both_vat = await api.call(acme, "PATCH", "/v1/organizations/me", json={"vat_id": "DE136695977"})
    assert assert_problem(both_vat, 422, "invalid_vat_id")["title"] == "The VAT number is not valid"


async def test_a_profile_change_to_the_same_values_writes_nothing(api: Api, db: AsyncEngine) -> None:
    acme = await api.org("Acme")
    first = await api.ok(acme, "PATCH", "/v1/organizations/me", json={"language": "de", "address": ZURICH})
    before = await snapshot(db)
    again = await api.ok(acme, "PATCH", "/v1/organizations/me", json={"language": "de", "address": ZURICH})
    assert again == first
    assert await snapshot(db) == before


async def test_the_profile_is_documented_for_both_callers(api: Api) -> None:
    doc = (await api.client.get("/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    mine = schemas["MyOrganizationUpdate"]["properties"]
    assert set(mine) == {
        "billing_email",
        "legal_name",
        "address",
        "vat_id",
        "language",
        "payout_iban",
        "auto_pay_from_balance",
        "invoice_email",
        "invoicing",
    }
    assert set(schemas["OrganizationUpdate"]["properties"]) >= PROFILE_KEYS
    assert set(schemas["OrganizationRead"]["required"]) >= PROFILE_KEYS
    me = doc["paths"]["/v1/organizations/me"]["patch"]["responses"]["422"]
    codes = {e["value"]["code"] for e in me["content"]["application/problem+json"]["examples"].values()}
    assert {"invalid_vat_id", "invalid_iban", "validation_error"} <= codes


async def test_a_profile_change_does_not_wait_for_charges_referencing_the_organisation(
    api: Api, db: AsyncEngine
) -> None:
    acme = await api.org("Acme")
    async with transaction(db) as conn:
        # What a charge's foreign-key checks hold on the organisation until it commits.
        await conn.execute(text("SELECT 1 FROM organizations WHERE id = :id FOR KEY SHARE"), {"id": acme.id})
        async with asyncio.timeout(3):
            changed = await api.ok(acme, "PATCH", "/v1/organizations/me", json={"language": "fr"})
    assert changed["language"] == "fr"
