"""The platform API and the catalogue: organisations, reseller tiers and products."""

from __future__ import annotations

from tests.asserts import assert_problem
from tests.support import Api

ORG = {"name": "Acme AG", "billing_email": "billing@acme.example", "currency": "CHF", "vat_rate": "0.081"}
GOLD = {"name": "Gold", "default_rate": "0.10", "rates": {"hosting": "0.20", "domain": "0.05"}}


def _product(price: str = "120.00") -> dict[str, object]:
    return {"name": "Web Hosting Pro", "category": "hosting", "period_months": 12, "prices": {"CHF": price}}


async def test_an_organisation_is_created_read_and_updated(api: Api) -> None:
    created = await api.ok(None, "POST", "/v1/admin/organizations", json={**ORG, "name": "  Acme AG  "})
    assert created["id"].startswith("org_")
    assert {k: created[k] for k in ORG} == {**ORG, "name": "Acme AG"}
    assert created["reseller_tier"] is None
    assert created["created_at"].endswith("Z")
    assert await api.ok(None, "GET", f"/v1/admin/organizations/{created['id']}") == created

    updated = await api.ok(
        None,
        "PATCH",
        f"/v1/admin/organizations/{created['id']}",
        json={"vat_rate": "0.077", "currency": "EUR"},
    )
    assert updated["vat_rate"] == "0.077"
    assert updated["currency"] == "EUR"
    assert updated["name"] == "Acme AG"
    assert updated["updated_at"] >= created["updated_at"]
    assert await api.ok(None, "PATCH", f"/v1/admin/organizations/{created['id']}", json={}) == updated


async def test_a_reseller_tier_is_set_and_removed(api: Api) -> None:
    await api.ok(None, "PUT", "/v1/admin/reseller-tiers/gold", json=GOLD)
    partner = await api.ok(None, "POST", "/v1/admin/organizations", json={**ORG, "reseller_tier": "gold"})
    assert partner["reseller_tier"] == "gold"
    org_id = partner["id"]
    unchanged = await api.ok(None, "PATCH", f"/v1/admin/organizations/{org_id}", json={"name": "Renamed"})
    assert unchanged["reseller_tier"] == "gold"
    removed = await api.ok(None, "PATCH", f"/v1/admin/organizations/{org_id}", json={"reseller_tier": None})
    assert removed["reseller_tier"] is None
    again = await api.ok(None, "PATCH", f"/v1/admin/organizations/{org_id}", json={"reseller_tier": "gold"})
    assert again["reseller_tier"] == "gold"


async def test_an_organisation_reads_itself(api: Api) -> None:
    acme = await api.org("Acme", currency="EUR", vat_rate="0.19")
    me = await api.ok(acme, "GET", "/v1/organizations/me")
    assert me == acme.data
    assert me["currency"] == "EUR"
    assert me["vat_rate"] == "0.19"


async def test_a_tier_is_created_and_replaced_whole(api: Api) -> None:
    tier = await api.ok(None, "PUT", "/v1/admin/reseller-tiers/gold", json=GOLD)
    assert tier == {
        "code": "gold",
        **GOLD,
        "default_rate": "0.1",
        "rates": {"hosting": "0.2", "domain": "0.05"},
    }
    replaced = await api.ok(
        None,
        "PUT",
        "/v1/admin/reseller-tiers/gold",
        json={"name": "Gold 2", "default_rate": "0.0825", "rates": {"hosting": "0.15"}},
    )
    assert replaced == {
        "code": "gold",
        "name": "Gold 2",
        "default_rate": "0.0825",
        "rates": {"hosting": "0.15"},
    }


async def test_a_product_is_created_replaced_and_listed(api: Api) -> None:
    product = await api.ok(None, "PUT", "/v1/admin/products/web-hosting-pro", json=_product())
    no_names = {"de": None, "fr": None, "it": None, "en": None}  # names per language: none given
    assert product == {"sku": "web-hosting-pro", **_product(), "names": no_names}
    replaced = await api.ok(
        None,
        "PUT",
        "/v1/admin/products/web-hosting-pro",
        json={**_product(), "prices": {"EUR": "125.00", "CHF": "119.90"}},
    )
    assert replaced["prices"] == {"CHF": "119.90", "EUR": "125.00"}
    acme = await api.org("Acme")
    listing = await api.ok(acme, "GET", "/v1/products")
    assert listing == {"data": [replaced], "next_cursor": None}


async def test_the_catalogue_is_paginated(api: Api) -> None:
    skus = [f"sku-{n:02d}" for n in range(5)]
    for sku in skus:
        await api.ok(None, "PUT", f"/v1/admin/products/{sku}", json=_product())
    acme = await api.org("Acme")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await api.ok(acme, "GET", "/v1/products", params=params)
        seen += [p["sku"] for p in page["data"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == skus and len(seen) == len(set(seen))
    assert pages == 3
    for limit in (0, 101, -1, "x"):
        response = await api.call(acme, "GET", "/v1/products", params={"limit": limit})
        assert_problem(response, 422, "validation_error")


async def test_an_organisation_key_gets_403_on_the_admin_api_whatever_its_body(api: Api) -> None:
    """The platform-only check comes before the body's: an organisation learns nothing about an
    admin operation's input from its answers."""
    org = await api.org("Curious AG")
    for body, media in (
        (b"{not json", "application/json"),
        (b"<x/>", "text/plain"),
        (b"{}", "application/json"),
    ):
        for path in ("/v1/admin/organizations", "/v1/admin/payments/import", "/v1/admin/payments"):
            response = await api.call(org, "POST", path, content=body, headers={"Content-Type": media})
            assert_problem(response, 403, "forbidden")
