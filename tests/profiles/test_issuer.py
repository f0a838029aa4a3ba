"""The issuer: platform only, 404 `issuer_not_configured` until the first PUT, a full replace
whose accounts are checked (CHF: Swiss or Liechtenstein, a QR-IBAN welcome; EUR: no QR-IBAN, a
valid BIC); a refused PUT changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem
from tests.profiles.helpers import (
    CH_IBAN,
    DE_IBAN,
    QR_IBAN,
    SWISS_UID,
    ZURICH,
    issuer_body,
    put_issuer,
    snapshot,
)
from tests.support import Api, rows


async def test_the_issuer_is_not_configured_before_the_first_put(api: Api) -> None:
    problem = assert_problem(await api.admin("GET", "/v1/admin/issuer"), 404, "issuer_not_configured")
    assert "PUT /v1/admin/issuer" in problem["detail"]


async def test_put_then_get_shows_the_issuer_as_documents_copy_it(api: Api, db: AsyncEngine) -> None:
    put = await put_issuer(
        api,
        vat_id="che 116 281 710 mwst",
        bank_accounts={
            "CHF": {"iban": "ch44 3199 9123 0008 8901 2"},
            "EUR": {"iban": DE_IBAN, "bic": "deutdeff"},
        },
    )
    assert put == await api.ok(None, "GET", "/v1/admin/issuer")
    assert put["vat_id"] == f"{SWISS_UID} MWST"
    assert put["address"] == {**ZURICH, "extra_line": None}
    assert put["bank_accounts"] == {"CHF": {"iban": QR_IBAN}, "EUR": {"iban": DE_IBAN, "bic": "DEUTDEFF"}}
    assert put["updated_at"].endswith("Z")
    # The row's columns are the seller snapshot's keys (what an invoice copies with to_jsonb).
    [(seller,)] = await rows(db, "SELECT to_jsonb(i) - 'id' - 'updated_at' FROM issuer i")
    assert seller == {k: v for k, v in put.items() if k != "updated_at"}


async def test_put_replaces_everything_and_defaults_the_terms(api: Api) -> None:
    await put_issuer(api, payment_terms_days=10)
    body = issuer_body(bank_accounts={"CHF": {"iban": CH_IBAN}})
    del body["payment_terms_days"]
    put = await api.ok(None, "PUT", "/v1/admin/issuer", json=body)
    assert put["payment_terms_days"] == 30
    assert put["bank_accounts"] == {"CHF": {"iban": CH_IBAN}}  # EUR is gone, not kept
    eur_only = await put_issuer(api, bank_accounts={"EUR": {"iban": CH_IBAN, "bic": "UBSWCHZH80A"}})
    assert eur_only["bank_accounts"] == {"EUR": {"iban": CH_IBAN, "bic": "UBSWCHZH80A"}}


@pytest.mark.parametrize(
    ("changes", "loc", "code"),
    [
        (
            {"bank_accounts": {"EUR": {"iban": QR_IBAN, "bic": "UBSWCHZH80A"}}},
            ["body", "bank_accounts", "EUR", "iban"],
            "invalid_iban",
        ),
        (
            {"bank_accounts": {"EUR": {"iban": DE_IBAN, "bic": "DEUTXXFF"}}},
            ["body", "bank_accounts", "EUR", "bic"],
            "invalid_bic",
        ),
        (
            {"bank_accounts": {"EUR": {"iban": DE_IBAN}}},
            ["body", "bank_accounts", "EUR", "bic"],
            "validation_error",
        ),
        (
            {"bank_accounts": {"CHF": {"iban": DE_IBAN}}},
            ["body", "bank_accounts", "CHF", "iban"],
            "invalid_iban",
        ),
        (
            {"bank_accounts": {"CHF": {"iban": "CH4431999123000889013"}}},
            ["body", "bank_accounts", "CHF", "iban"],
            "invalid_iban",
        ),
        ({"bank_accounts": {"USD": {"iban": DE_IBAN}}}, ["body", "bank_accounts", "USD"], "validation_error"),
        ({"bank_accounts": {}}, ["body", "bank_accounts"], "validation_error"),
        ({"vat_id": "CHE-116.281.711"}, ["body", "vat_id"], "invalid_vat_id"),
        ({"vat_id": None}, ["body", "vat_id"], "invalid_vat_id"),
        (
            {"address": {**ZURICH, "country": "Switzerland"}},
            ["body", "address", "country"],
            "validation_error",
        ),
        ({"payment_terms_days": 366}, ["body", "payment_terms_days"], "validation_error"),
        ({"payment_terms_days": -1}, ["body", "payment_terms_days"], "validation_error"),
        ({"email": "not an address"}, ["body", "email"], "validation_error"),
    ],
)
async def test_a_refused_put_names_the_field_and_changes_nothing(
    api: Api, db: AsyncEngine, changes: dict[str, Any], loc: list[str], code: str
) -> None:
    await put_issuer(api)
    before = await snapshot(db)
    response = await api.admin("PUT", "/v1/admin/issuer", json=issuer_body(**changes))
    problem = assert_problem(response, 422, code)
    assert [error["loc"] for error in problem["errors"]] == [loc]
    assert await snapshot(db) == before


async def test_only_the_platform_may_read_or_set_the_issuer(api: Api, db: AsyncEngine) -> None:
    acme = await api.org("Acme")
    for method, body in (("GET", None), ("PUT", issuer_body())):
        assert_problem(await api.call(acme, method, "/v1/admin/issuer", json=body), 403, "forbidden")
        assert_problem(
            await api.client.request(method, "/v1/admin/issuer", json=body), 401, "unauthenticated"
        )
        bad = {"Authorization": "Bearer wrong"}
        response = await api.client.request(method, "/v1/admin/issuer", json=body, headers=bad)
        assert_problem(response, 401, "unauthenticated")
    assert await rows(db, "SELECT * FROM issuer") == []
