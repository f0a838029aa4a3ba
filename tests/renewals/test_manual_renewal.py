"""POST /v1/subscriptions/{id}/renew: one period, priced and routed like an order (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.renewals.support import events_of, renew, years_later
from tests.support import Api, build_world


@dataclass(frozen=True)
class Row:
    """One line of the SPEC §2 table for 1 × web-hosting-pro (P = 120.00, gold hosting d = 0.20)."""

    access: str
    mode: str
    initiator: str  # "customer" | "partner"
    channel: str
    payer: str  # "customer" | "partner"
    discount: str
    net: str
    total: str
    cashback: str | None


TABLE = [
    Row("full", "customer", "partner", "partner", "customer", "0.00", "120.00", "129.72", "24.00"),
    Row("full", "customer", "customer", "direct", "customer", "0.00", "120.00", "129.72", "24.00"),
    Row("full", "partner", "partner", "partner", "partner", "24.00", "96.00", "103.78", None),
    Row("full", "partner", "customer", "direct", "partner", "0.00", "120.00", "129.72", "24.00"),
    Row("limited", "customer", "customer", "direct", "customer", "0.00", "120.00", "129.72", "24.00"),
]


@pytest.mark.parametrize("row", TABLE, ids=lambda r: f"{r.access}-{r.mode}-by-{r.initiator}")
async def test_manual_renewal_follows_the_who_pays_table(api: Api, db: AsyncEngine, row: Row) -> None:
    world = await build_world(api, billing_mode=row.mode, access=row.access)
    parties = {"customer": world.acme, "partner": world.agency}
    created = await api.order(world.acme, world.acme, "web-hosting-pro")
    sub_id = created["subscription_id"]
    before = await api.ok(world.acme, "GET", f"/v1/subscriptions/{sub_id}")

    response = await renew(api, parties[row.initiator], sub_id)

    assert response.status_code == 201, response.text
    order = response.json()
    payer = parties[row.payer]
    assert order["kind"] == "renewal"
    assert order["channel"] == row.channel
    assert order["placed_by_id"] == parties[row.initiator].id
    assert order["partnership_id"] == world.partnership["id"]
    assert order["subscription_id"] == sub_id
    assert order["payer_id"] == payer.id
    assert order["public_amount"] == "120.00"
    as_payer = await api.ok(payer, "GET", f"/v1/orders/{order['id']}")
    assert (as_payer["discount"], as_payer["net_amount"]) == (row.discount, row.net)
    invoice = await api.ok(payer, "GET", f"/v1/invoices/{as_payer['invoice_id']}")
    assert invoice["total"] == row.total
    assert invoice["order_id"] == order["id"]
    as_partner = await api.ok(world.agency, "GET", f"/v1/orders/{order['id']}")
    cashback = as_partner["cashback"]
    assert (cashback["amount"] if cashback else None) == row.cashback
    as_customer = await api.ok(world.acme, "GET", f"/v1/orders/{order['id']}")
    assert as_customer["cashback"] is None

    after = await api.ok(world.acme, "GET", f"/v1/subscriptions/{sub_id}")
    assert after["current_period_start"] == before["current_period_end"]
    assert after["current_period_end"] == years_later(before["current_period_start"], 2)


async def test_a_limited_partner_may_not_renew(api: Api) -> None:
    world = await build_world(api, access="limited")
    created = await api.order(world.acme, world.acme, "web-hosting-pro")

    response = await renew(api, world.agency, created["subscription_id"])

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_without_a_partnership_the_customer_pays_all_and_nobody_earns(
    api: Api, db: AsyncEngine
) -> None:
    world = await build_world(api)
    await api.ok(world.acme, "POST", f"/v1/partnerships/{world.partnership['id']}/end")
    created = await api.order(world.acme, world.acme, "web-hosting-pro")

    response = await renew(api, world.acme, created["subscription_id"])

    assert response.status_code == 201
    order = response.json()
    assert (order["channel"], order["payer_id"], order["partnership_id"]) == ("direct", world.acme.id, None)
    assert (order["discount"], order["net_amount"], order["cashback"]) == ("0.00", "120.00", None)
    assert await api.ok(world.agency, "GET", "/v1/cashback/entries") == {"data": [], "next_cursor": None}


@pytest.mark.parametrize("action", ["renew", "cancel"])
async def test_a_stranger_gets_404(api: Api, action: str) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "web-hosting-pro")

    response = await api.call(
        world.stranger, "POST", f"/v1/subscriptions/{created['subscription_id']}/{action}"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_unknown_subscription_is_404(api: Api) -> None:
    world = await build_world(api)
    response = await renew(api, world.acme, "sub_doesnotexist")
    assert response.status_code == 404


async def test_the_partner_acts_and_sees_only_while_the_partnership_is_active(api: Api) -> None:
    world = await build_world(api)
    created = await api.order(world.agency, world.acme, "web-hosting-pro")
    sub_id = created["subscription_id"]
    assert (await api.ok(world.agency, "GET", f"/v1/subscriptions/{sub_id}"))["id"] == sub_id
    assert (await renew(api, world.agency, sub_id)).status_code == 201

    await api.ok(world.acme, "POST", f"/v1/partnerships/{world.partnership['id']}/end")

    assert (await api.call(world.agency, "GET", f"/v1/subscriptions/{sub_id}")).status_code == 404
    assert (await api.ok(world.agency, "GET", "/v1/subscriptions"))["data"] == []
    assert (await renew(api, world.agency, sub_id)).status_code == 404
    ended = await api.call(world.agency, "POST", f"/v1/subscriptions/{sub_id}/cancel")
    assert ended.status_code == 404
    assert (await renew(api, world.acme, sub_id)).status_code == 201


async def test_each_renewal_moves_on_by_one_period(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "domain-ch", quantity=3)
    sub_id = created["subscription_id"]

    first = (await renew(api, world.acme, sub_id)).json()
    second = (await renew(api, world.agency, sub_id)).json()

    assert first["id"] != second["id"]
    sub = await api.ok(world.acme, "GET", f"/v1/subscriptions/{sub_id}")
    assert sub["current_period_start"] == years_later(sub["created_at"], 2)
    assert sub["current_period_end"] == years_later(sub["created_at"], 3)
    assert (first["public_amount"], second["public_amount"]) == ("40.35", "40.35")


async def test_renewal_emits_subscription_renewed_to_customer_and_partner(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "web-hosting-pro")

    order = (await renew(api, world.agency, created["subscription_id"])).json()

    renewed = await events_of(db, "subscription.renewed")
    assert sorted(org for org, _ in renewed) == sorted([world.acme.id, world.agency.id])
    sub = await api.ok(world.acme, "GET", f"/v1/subscriptions/{created['subscription_id']}")
    assert all(data == sub for _, data in renewed)
    orders_created = [data for _, data in await events_of(db, "order.created") if data["id"] == order["id"]]
    assert len(orders_created) == 2
    assert not [org for org, _ in await events_of(db, "subscription.renewed") if org == world.stranger.id]


async def test_a_cancelled_subscription_cannot_be_renewed(api: Api) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "web-hosting-pro")
    sub_id = created["subscription_id"]
    await api.ok(world.acme, "POST", f"/v1/subscriptions/{sub_id}/cancel")

    response = await renew(api, world.agency, sub_id)

    assert response.status_code == 409
    assert response.json()["code"] == "subscription_cancelled"


async def test_renewal_without_a_price_in_the_payers_currency_is_422(api: Api) -> None:
    await api.gold_catalogue()
    euro_partner = await api.org("EuroAgency", currency="EUR", reseller_tier="gold")
    customer = await api.org("Beta")
    created = await api.order(customer, customer, "domain-ch")  # CHF only
    await api.partnership(customer, euro_partner, billing_mode="partner")
    path = f"/v1/subscriptions/{created['subscription_id']}"
    before = await api.ok(customer, "GET", path)

    response = await renew(api, customer, created["subscription_id"])

    assert response.status_code == 422
    assert response.json()["code"] == "price_not_available"
    assert await api.ok(customer, "GET", path) == before


async def test_renew_is_idempotent_with_a_key(api: Api) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "web-hosting-pro")
    path = f"/v1/subscriptions/{created['subscription_id']}/renew"
    headers = {"Idempotency-Key": "renew-once"}

    first = await api.call(world.acme, "POST", path, headers=headers)
    again = await api.call(world.acme, "POST", path, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
