"""A tier never loses its category rates silently, and a product never its prices: what a client
that dropped the map would send (nothing, or an empty map) is refused where it changes money."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.asserts import assert_problem
from tests.support import Api, build_world, rows

TIER = "/v1/admin/reseller-tiers/gold"


async def _rates(db: AsyncEngine) -> dict[str, Any]:
    [tier] = await rows(db, "SELECT default_rate, rates FROM reseller_tiers WHERE code = 'gold'")
    return {"default_rate": str(tier.default_rate), "rates": tier.rates}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({"name": "Gold", "default_rate": "0.10"}, "validation_error", id="rates-left-out"),
        pytest.param(
            {"name": "Gold", "default_rate": "0.10", "rates": {}}, "category_rates_required", id="empty"
        ),
        # The hosting rate becomes the default, but domain would go from 0.05 to 0.20.
        pytest.param(
            {"name": "Gold", "default_rate": "0.20", "rates": {}},
            "category_rates_required",
            id="empty-one-kept",
        ),
    ],
)
async def test_a_tier_is_not_stripped_of_its_category_rates(
    api: Api, db: AsyncEngine, body: dict[str, Any], code: str
) -> None:
    w = await build_world(api)
    before = await _rates(db)
    problem = assert_problem(await api.admin("PUT", TIER, json=body), 422, code)
    assert problem["errors"][0]["loc"] == ["body", "rates"]
    assert await _rates(db) == before
    # Worked example A still earns the hosting rate.
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    assert order["cashback"] == {"rate": "0.2", "amount": "24.00", "status": "pending"}


async def test_an_empty_map_is_accepted_where_it_changes_no_rate(api: Api) -> None:
    new = await api.ok(
        None,
        "PUT",
        "/v1/admin/reseller-tiers/flat",
        json={"name": "Flat", "default_rate": "0.1", "rates": {}},
    )
    assert new["rates"] == {}
    same = {"name": "Same", "default_rate": "0.15", "rates": {"hosting": "0.15", "domain": "0.150"}}
    await api.ok(None, "PUT", "/v1/admin/reseller-tiers/same", json=same)
    emptied = await api.ok(
        None,
        "PUT",
        "/v1/admin/reseller-tiers/same",
        json={"name": "Same", "default_rate": "0.15", "rates": {}},
    )
    assert emptied["rates"] == {}


@pytest.mark.parametrize("prices", [{}, None], ids=["empty", "left-out"])
async def test_a_product_is_not_stripped_of_its_prices(api: Api, prices: dict[str, str] | None) -> None:
    body: dict[str, Any] = {"name": "Web Hosting Pro", "category": "hosting", "period_months": 12}
    if prices is not None:
        body["prices"] = prices
    problem = assert_problem(await api.admin("PUT", "/v1/admin/products/web-hosting-pro", json=body), 422)
    assert problem["code"] == "validation_error"
    assert problem["errors"][0]["loc"] == ["body", "prices"]
