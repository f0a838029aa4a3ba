"""The validation matrix of the platform API: every bad value is a 422 problem naming the field,
and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem, assert_refused_field
from tests.support import Api


class _Missing:
    """A field left out of the body; its name is stable, so every test worker collects the same ids."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()

ORG = {
    "name": "Acme AG",
    "billing_email": "billing@acme.example",
    "currency": "CHF",
    "vat_rate": "0.081",
}
TIER = {"name": "Gold", "default_rate": "0.10", "rates": {"hosting": "0.20", "domain": "0.05"}}
PRODUCT = {
    "name": "Web Hosting Pro",
    "category": "hosting",
    "period_months": 12,
    "prices": {"CHF": "120.00", "EUR": "125.00"},
}

# A rate is a JSON string in [0, 1) with at most four decimals; numbers never pass.
BAD_RATES: list[Any] = [0.081, 0, 1, "1", "1.0", "-0.1", "0.12345", "abc", "", ".5", "0.5 ", "1e-1", None]
# A price is a positive JSON string with exactly two decimals.
BAD_PRICES: list[Any] = ["0.00", "12.5", "12.345", 120, 120.0, "-1.00", "abc", "", "1e2", " 12.00", None]
BAD_NAMES: list[Any] = ["", "   ", "x" * 201, 42, None, "Acme\x00", "Acme\nCorp", "\x1b[31mAcme"]
# Whatever a mail header, a log line or a document would take for a line break or a control:
# line and paragraph separators, NEL, a C1 control, DEL, bidirectional overrides and isolates.
BAD_NAMES += ["Poison\u2028Subject", "Poison\u2029Subject", "Poison\x85Subject", "Acme\x9b31m", "Acme\x7f"]
BAD_NAMES += ["\u202eGA emcA", "Acme \u202aAG", "Acme \u2066AG\u2069", "Acme\u2069"]
BAD_EMAILS: list[Any] = ["not-an-email", "billing@", "@acme.example", "a b@acme.example", "", 7]
BAD_CURRENCIES: list[Any] = ["USD", "chf", "", "CHFX", 756, None]


def _case(field: str, value: Any, code: str = "validation_error", *, loc: str | None = None) -> Any:
    return pytest.param({field: value}, loc or field, code, id=f"{field}={value!r}"[:60])


ORG_FIELD_CASES = [
    *(_case("currency", v) for v in BAD_CURRENCIES),
    *(_case("vat_rate", v) for v in BAD_RATES),
    *(_case("name", v) for v in BAD_NAMES),
    *(_case("billing_email", v) for v in BAD_EMAILS),
    _case("reseller_tier", "no-such-tier", "unknown_reseller_tier"),
    _case("reseller_tier", "bad tier!"),
    _case("reseller_tier", 5),
    _case("colour", "red"),
]

ORG_CREATE_CASES = [
    *ORG_FIELD_CASES,
    *(_case(field, MISSING) for field in ORG),
]

TIER_CASES = [
    *(_case("default_rate", v) for v in BAD_RATES),
    *(
        pytest.param({"rates": {"hosting": v}}, "hosting", "validation_error", id=f"rates.hosting={v!r}")
        for v in BAD_RATES
    ),
    _case("rates", {"bad key!": "0.10"}),
    _case("rates", ["0.10"]),
    _case("rates", "0.10"),
    *(_case("name", v) for v in BAD_NAMES),
    _case("name", MISSING),
    _case("default_rate", MISSING),
    _case("colour", "red"),
]

PRODUCT_CASES = [
    *(
        pytest.param({"prices": {"CHF": v}}, "CHF", "validation_error", id=f"prices.CHF={v!r}")
        for v in BAD_PRICES
    ),
    _case("prices", {"USD": "10.00"}),
    _case("prices", {"chf": "10.00"}),
    _case("prices", {"CHF": "10.00", "GBP": "9.00"}),
    _case("prices", {}),
    _case("prices", "120.00"),
    _case("prices", MISSING),
    *(_case("period_months", v) for v in (0, -1, 121, 1.5, "twelve", None)),
    _case("period_months", MISSING),
    *(_case("category", v) for v in ("", "bad category!", "x" * 65, None)),
    *(_case("name", v) for v in BAD_NAMES),
    _case("colour", "red"),
]


def _body(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    body = {**base, **change}
    return {k: v for k, v in body.items() if v is not MISSING}


async def _rows(db: AsyncEngine, table: str) -> list[Any]:
    async with db.connect() as conn:
        result = await conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
        return [tuple(row) for row in result]


@pytest.mark.parametrize(("change", "field", "code"), ORG_CREATE_CASES)
async def test_creating_an_organisation_refuses(
    api: Api, db: AsyncEngine, change: dict[str, Any], field: str, code: str
) -> None:
    response = await api.admin("POST", "/v1/admin/organizations", json=_body(ORG, change))
    assert_refused_field(response, field, code)
    assert await _rows(db, "organizations") == []


@pytest.mark.parametrize(("change", "field", "code"), ORG_FIELD_CASES)
async def test_updating_an_organisation_refuses(
    api: Api, db: AsyncEngine, change: dict[str, Any], field: str, code: str
) -> None:
    org = await api.org("Acme")
    before = await _rows(db, "organizations")
    # A valid change sent along with the bad one must not be applied either.
    valid = {
        k: v for k, v in {"name": "Renamed", "billing_email": "new@acme.example"}.items() if k not in change
    }
    response = await api.admin("PATCH", f"/v1/admin/organizations/{org.id}", json={**valid, **change})
    assert_refused_field(response, field, code)
    assert await _rows(db, "organizations") == before
    assert await api.ok(None, "GET", f"/v1/admin/organizations/{org.id}") == org.data


@pytest.mark.parametrize("field", ["name", "billing_email", "currency", "vat_rate"])
async def test_updating_an_organisation_refuses_null_for_a_required_field(
    api: Api, db: AsyncEngine, field: str
) -> None:
    org = await api.org("Acme")
    before = await _rows(db, "organizations")
    response = await api.admin("PATCH", f"/v1/admin/organizations/{org.id}", json={field: None})
    assert_refused_field(response, field, "validation_error")
    assert await _rows(db, "organizations") == before


@pytest.mark.parametrize(("change", "field", "code"), TIER_CASES)
async def test_putting_a_reseller_tier_refuses(
    api: Api, db: AsyncEngine, change: dict[str, Any], field: str, code: str
) -> None:
    await api.ok(None, "PUT", "/v1/admin/reseller-tiers/gold", json=TIER)
    before = await _rows(db, "reseller_tiers")
    for code_in_path in ("gold", "silver"):  # replacing an existing tier, creating a new one
        response = await api.admin(
            "PUT", f"/v1/admin/reseller-tiers/{code_in_path}", json=_body(TIER, change)
        )
        assert_refused_field(response, field, code)
    assert await _rows(db, "reseller_tiers") == before


@pytest.mark.parametrize(("change", "field", "code"), PRODUCT_CASES)
async def test_putting_a_product_refuses(
    api: Api, db: AsyncEngine, change: dict[str, Any], field: str, code: str
) -> None:
    await api.ok(None, "PUT", "/v1/admin/products/web-hosting-pro", json=PRODUCT)
    before = await api.ok(None, "GET", "/v1/products")
    for sku in ("web-hosting-pro", "web-hosting-max"):  # replacing an existing product, creating a new one
        response = await api.admin("PUT", f"/v1/admin/products/{sku}", json=_body(PRODUCT, change))
        assert_refused_field(response, field, code)
    assert await api.ok(None, "GET", "/v1/products") == before
    assert len(await _rows(db, "products")) == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/admin/reseller-tiers/bad%20code!", TIER, "code"),
        ("/v1/admin/reseller-tiers/" + "g" * 65, TIER, "code"),
        ("/v1/admin/products/bad%20sku!", PRODUCT, "sku"),
        ("/v1/admin/products/" + "p" * 65, PRODUCT, "sku"),
    ],
)
async def test_a_bad_code_in_the_path_is_refused(
    api: Api, db: AsyncEngine, path: str, body: dict[str, Any], field: str
) -> None:
    assert_refused_field(await api.admin("PUT", path, json=body), field, "validation_error")
    assert await _rows(db, "reseller_tiers") == []
    assert await _rows(db, "products") == []


@pytest.mark.parametrize(
    "path",
    ["/v1/admin/organizations", "/v1/admin/reseller-tiers/gold", "/v1/admin/products/web-hosting-pro"],
)
@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b""])
async def test_a_body_that_is_not_an_object_is_refused(
    api: Api, db: AsyncEngine, path: str, body: bytes
) -> None:
    method = "POST" if path.endswith("organizations") else "PUT"
    response = await api.client.request(
        method, path, content=body, headers={**api.admin_auth, "Content-Type": "application/json"}
    )
    assert_problem(response, 422, "validation_error")
    for table in ("organizations", "reseller_tiers", "products"):
        assert await _rows(db, table) == []


async def test_valid_edge_values_are_accepted(api: Api) -> None:
    """The boundaries just inside the rules pass: rate "0" and "0.9999", a 200-char name, 1 month."""
    org = await api.ok(
        None, "POST", "/v1/admin/organizations", json={**ORG, "name": "x" * 200, "vat_rate": "0.9999"}
    )
    assert org["vat_rate"] == "0.9999"
    tier = await api.ok(
        None, "PUT", "/v1/admin/reseller-tiers/edge", json={"name": "Edge", "default_rate": "0", "rates": {}}
    )
    assert tier["default_rate"] == "0"
    product = await api.ok(
        None,
        "PUT",
        "/v1/admin/products/edge",
        json={**PRODUCT, "period_months": 1, "prices": {"EUR": "0.01"}},
    )
    assert product["prices"] == {"EUR": "0.01"}
