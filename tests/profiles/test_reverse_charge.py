"""Reverse charge (platform only) needs a VAT number and an address in another country than the
issuer's; before an issuer is configured, any country. Every change that would break the rule
is refused, naming the field that breaks it, and changes nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem
from tests.profiles.helpers import BERLIN, ZURICH, put_issuer, snapshot
from tests.support import Api, Org

NEEDS_VAT_ID = "reverse_charge_requires_vat_id"
NEEDS_FOREIGN = "reverse_charge_requires_foreign_address"


async def _german_business(api: Api) -> Org:
    org = await api.org("Berlin GmbH", currency="EUR")
    await api.ok(org, "PATCH", "/v1/organizations/me", json={"vat_id": "DE136695976", "address": BERLIN})
    return org


async def _refused(
    api: Api, db: AsyncEngine, who: Org | None, path: str, body: object, code: str, loc: list[str]
) -> None:
    before = await snapshot(db)
    if who is None:
        response = await api.admin("PATCH", path, json=body)
    else:
        response = await api.call(who, "PATCH", path, json=body)
    problem = assert_problem(response, 422, code)
    assert [error["loc"] for error in problem["errors"]] == [loc]
    assert await snapshot(db) == before


async def test_a_foreign_business_with_a_vat_number_gets_reverse_charge(api: Api) -> None:
    await put_issuer(api)
    org = await _german_business(api)
    changed = await api.ok(None, "PATCH", f"/v1/admin/organizations/{org.id}", json={"reverse_charge": True})
    assert changed["reverse_charge"] is True


async def test_reverse_charge_needs_a_vat_number(api: Api, db: AsyncEngine) -> None:
    await put_issuer(api)
    org = await api.org("Berlin GmbH", currency="EUR")
    await api.ok(org, "PATCH", "/v1/organizations/me", json={"address": BERLIN})
    path = f"/v1/admin/organizations/{org.id}"
    await _refused(api, db, None, path, {"reverse_charge": True}, NEEDS_VAT_ID, ["body", "reverse_charge"])
    response = await api.admin(
        "POST",
        "/v1/admin/organizations",
        json={
            "name": "New GmbH",
            "billing_email": "b@new.example",
            "currency": "EUR",
            "vat_rate": "0",
            "address": BERLIN,
            "reverse_charge": True,
        },
    )
    assert_problem(response, 422, NEEDS_VAT_ID)


async def test_reverse_charge_needs_a_country_other_than_the_issuers(api: Api, db: AsyncEngine) -> None:
    await put_issuer(api)  # in CH
    org = await api.org("Zürich AG")
    await api.ok(org, "PATCH", "/v1/organizations/me", json={"vat_id": "CHE-116.281.710", "address": ZURICH})
    path = f"/v1/admin/organizations/{org.id}"
    await _refused(api, db, None, path, {"reverse_charge": True}, NEEDS_FOREIGN, ["body", "reverse_charge"])
    await api.ok(None, "PATCH", path, json={"address": None})
    await _refused(api, db, None, path, {"reverse_charge": True}, NEEDS_FOREIGN, ["body", "reverse_charge"])


async def test_the_organisation_cannot_break_its_reverse_charge(api: Api, db: AsyncEngine) -> None:
    await put_issuer(api)
    org = await _german_business(api)
    await api.ok(None, "PATCH", f"/v1/admin/organizations/{org.id}", json={"reverse_charge": True})
    me = "/v1/organizations/me"
    await _refused(api, db, org, me, {"vat_id": None}, NEEDS_VAT_ID, ["body", "vat_id"])
    await _refused(api, db, org, me, {"address": None}, NEEDS_FOREIGN, ["body", "address"])
    await _refused(api, db, org, me, {"address": ZURICH}, NEEDS_FOREIGN, ["body", "address", "country"])
    # Another foreign country, or another valid VAT number, keeps reverse charge.
    moved = await api.ok(
        org, "PATCH", me, json={"address": {**BERLIN, "country": "AT"}, "vat_id": "ATU13585627"}
    )
    assert (moved["reverse_charge"], moved["address"]["country"]) == (True, "AT")
    # The platform switching it off and clearing the number in one request is fine.
    path = f"/v1/admin/organizations/{org.id}"
    cleared = await api.ok(None, "PATCH", path, json={"reverse_charge": False, "vat_id": None})
    assert (cleared["reverse_charge"], cleared["vat_id"]) == (False, None)


async def test_without_an_issuer_any_country_will_do(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Zürich AG")
    path = f"/v1/admin/organizations/{org.id}"
    await api.ok(org, "PATCH", "/v1/organizations/me", json={"vat_id": "CHE-116.281.710"})
    # A country is still needed.
    await _refused(api, db, None, path, {"reverse_charge": True}, NEEDS_FOREIGN, ["body", "reverse_charge"])
    await api.ok(org, "PATCH", "/v1/organizations/me", json={"address": ZURICH})
    assert (await api.ok(None, "PATCH", path, json={"reverse_charge": True}))["reverse_charge"] is True
