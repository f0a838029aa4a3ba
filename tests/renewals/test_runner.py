"""The renewal runner: every due period, exactly once, by the partnership as it is at each renewal."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction, utcnow
from partnerbilling.renewals.runner import renew_due_subscriptions
from partnerbilling.renewals.service import Claimed, renew_due_period
from tests.renewals.support import backdate, events_of, renewal_orders, subscription_row
from tests.support import Api, Org, build_world


def _at(api_time: str) -> datetime:
    return datetime.fromisoformat(api_time)


async def _period_end(api: Api, who: Org, subscription_id: str) -> datetime:
    sub = await api.ok(who, "GET", f"/v1/subscriptions/{subscription_id}")
    return _at(sub["current_period_end"])


async def test_three_periods_behind_gives_three_renewals_then_none(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "web-hosting-pro")
    sub_id = created["subscription_id"]
    await backdate(db, sub_id, 36)

    first = await api.ok(None, "POST", "/v1/admin/renewals/run", json={})
    again = await api.ok(None, "POST", "/v1/admin/renewals/run", json={"as_of": first["as_of"]})

    assert (first["renewed"], first["failed"], first["skipped"]) == (3, 0, 0)
    assert (again["renewed"], again["failed"]) == (0, 0)
    orders = await renewal_orders(db, sub_id)
    assert len(orders) == 3
    assert [o.period_start for o in orders[1:]] == [o.period_end for o in orders[:-1]]
    sub = await subscription_row(db, sub_id)
    assert sub.current_period_start == orders[-1].period_start
    assert sub.current_period_end == orders[-1].period_end > _at(first["as_of"])
    assert sub.renewal_claimed_until is None
    assert {o.placed_by_id for o in orders} == {None}


async def test_catch_up_up_to_as_of_and_not_beyond(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "domain-ch")
    end = await _period_end(api, world.acme, created["subscription_id"])

    early = await renew_due_subscriptions(db, end - timedelta(seconds=1))
    one = await renew_due_subscriptions(db, end)
    two_more = await renew_due_subscriptions(db, end + timedelta(days=2 * 366))

    assert (early.renewed, one.renewed, two_more.renewed) == (0, 1, 2)


async def test_two_runners_together_renew_everything_exactly_once(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    expected: dict[str, int] = {}
    for i in range(24):
        customer = world.acme if i % 2 else await api.org(f"Customer {i}")
        created = await api.order(customer, customer, "domain-ch")
        behind = i % 4
        if behind:
            await backdate(db, created["subscription_id"], 12 * behind)
        expected[created["subscription_id"]] = behind
    as_of = utcnow()

    reports = await asyncio.gather(
        renew_due_subscriptions(db, as_of, batch_size=3, concurrency=3),
        renew_due_subscriptions(db, as_of, batch_size=3, concurrency=3),
    )

    assert sum(r.renewed for r in reports) == sum(expected.values())
    assert sum(r.failed for r in reports) == 0
    for sub_id, behind in expected.items():
        orders = await renewal_orders(db, sub_id)
        assert len(orders) == behind
        assert len({o.period_start for o in orders}) == behind
    third = await renew_due_subscriptions(db, as_of)
    assert third.renewed == 0


async def test_a_billing_mode_change_moves_the_payer_of_later_periods_only(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api, billing_mode="customer")
    created = await api.order(world.agency, world.acme, "web-hosting-pro")
    sub_id = created["subscription_id"]
    end = await _period_end(api, world.acme, sub_id)

    await renew_due_subscriptions(db, end)
    await api.ok(
        world.acme, "PATCH", f"/v1/partnerships/{world.partnership['id']}", json={"billing_mode": "partner"}
    )
    await renew_due_subscriptions(db, end + timedelta(days=366))

    first, second = await renewal_orders(db, sub_id)
    assert (first.channel, first.payer_id, str(first.discount), str(first.cashback_amount)) == (
        "partner",
        world.acme.id,
        "0.00",
        "24.00",
    )
    assert (second.channel, second.payer_id, str(second.discount), str(second.net_amount)) == (
        "partner",
        world.agency.id,
        "24.00",
        "96.00",
    )
    assert second.cashback_amount is None
    first_invoice = await api.ok(world.acme, "GET", f"/v1/invoices/{first.invoice_id}")
    assert (first_invoice["payer_id"], first_invoice["total"]) == (world.acme.id, "129.72")
    original = await api.ok(world.acme, "GET", f"/v1/orders/{created['id']}")
    assert original["payer_id"] == world.acme.id


async def test_an_ended_partnership_turns_partner_renewals_into_direct_ones(
    api: Api, db: AsyncEngine
) -> None:
    world = await build_world(api, billing_mode="partner")
    created = await api.order(world.agency, world.acme, "web-hosting-pro")
    sub_id = created["subscription_id"]
    assert created["payer_id"] == world.agency.id
    await api.ok(world.agency, "POST", f"/v1/partnerships/{world.partnership['id']}/end")
    await backdate(db, sub_id, 12)

    report = await renew_due_subscriptions(db, utcnow())

    assert report.renewed == 1
    (order,) = await renewal_orders(db, sub_id)
    assert (order.channel, order.payer_id, order.partnership_id, order.partner_id) == (
        "direct",
        world.acme.id,
        None,
        None,
    )
    assert (str(order.discount), str(order.net_amount), order.cashback_amount) == ("0.00", "120.00", None)
    entries = await api.ok(world.agency, "GET", "/v1/cashback/entries")
    assert [e["order_id"] for e in entries["data"]] == []


async def test_a_new_partnership_earns_cashback_on_direct_renewals(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api, billing_mode="partner")
    created = await api.order(world.agency, world.acme, "web-hosting-pro")
    await api.ok(world.acme, "POST", f"/v1/partnerships/{world.partnership['id']}/end")
    successor = await api.partnership(world.acme, world.stranger, billing_mode="customer")
    await backdate(db, created["subscription_id"], 12)

    await renew_due_subscriptions(db, utcnow())

    (order,) = await renewal_orders(db, created["subscription_id"])
    assert (order.channel, order.payer_id, order.partnership_id) == ("direct", world.acme.id, successor["id"])
    assert (order.cashback_partner_id, str(order.cashback_amount)) == (world.stranger.id, "24.00")


async def test_a_partner_order_renews_direct_once_access_is_limited(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api, billing_mode="customer")
    created = await api.order(world.agency, world.acme, "web-hosting-pro")
    await api.ok(
        world.acme, "PATCH", f"/v1/partnerships/{world.partnership['id']}", json={"access": "limited"}
    )
    await backdate(db, created["subscription_id"], 12)

    await renew_due_subscriptions(db, utcnow())

    (order,) = await renewal_orders(db, created["subscription_id"])
    assert (order.channel, order.payer_id, str(order.discount), str(order.cashback_amount)) == (
        "direct",
        world.acme.id,
        "0.00",
        "24.00",
    )


async def test_a_failing_renewal_is_reported_once_and_the_run_goes_on(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    euro_partner = await api.org("EuroAgency", currency="EUR", reseller_tier="gold")
    beta = await api.org("Beta")
    failing = (await api.order(beta, beta, "domain-ch"))["subscription_id"]  # CHF only
    await api.partnership(beta, euro_partner, billing_mode="partner")  # the payer now bills in EUR
    fine = [(await api.order(world.acme, world.acme, "domain-ch"))["subscription_id"] for _ in range(3)]
    for sub_id in [failing, *fine]:
        await backdate(db, sub_id, 12)

    report = await renew_due_subscriptions(db, utcnow(), batch_size=1, concurrency=1)

    assert (report.renewed, report.failed, report.skipped) == (3, 1, 0)
    (failure,) = report.failures
    assert (failure.subscription_id, failure.code) == (failing, "price_not_available")
    assert report.reasons == {"price_not_available": 1}
    assert (await subscription_row(db, failing)).renewal_claimed_until is None
    assert await renewal_orders(db, failing) == []
    retried = await renew_due_subscriptions(db, utcnow())
    assert (retried.renewed, retried.failed) == (0, 1)


async def test_automatic_renewals_emit_subscription_renewed(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.agency, world.acme, "web-hosting-pro")
    await backdate(db, created["subscription_id"], 12)

    await renew_due_subscriptions(db, utcnow())

    renewed = await events_of(db, "subscription.renewed")
    assert sorted(org for org, _ in renewed) == sorted([world.acme.id, world.agency.id])
    sub = await api.ok(world.acme, "GET", f"/v1/subscriptions/{created['subscription_id']}")
    assert all(data == sub for _, data in renewed)


async def test_a_subscription_leased_by_another_runner_is_left_to_it(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "domain-ch")
    await backdate(db, created["subscription_id"], 12)
    async with transaction(db) as conn:
        await conn.execute(
            text("UPDATE subscriptions SET renewal_claimed_until = now() + interval '1 minute'")
        )

    held = await renew_due_subscriptions(db, utcnow())
    async with transaction(db) as conn:
        await conn.execute(
            text("UPDATE subscriptions SET renewal_claimed_until = now() - interval '1 second'")
        )
    lapsed = await renew_due_subscriptions(db, utcnow())

    assert (held.renewed, lapsed.renewed) == (0, 1)


async def test_admin_run_needs_the_platform_and_a_sensible_as_of(api: Api) -> None:
    world = await build_world(api)

    as_org = await api.call(world.acme, "POST", "/v1/admin/renewals/run", json={})
    naive = await api.admin("POST", "/v1/admin/renewals/run", json={"as_of": "2026-01-01T00:00:00"})
    far = await api.admin("POST", "/v1/admin/renewals/run", json={"as_of": "2207-01-01T00:00:00Z"})
    no_body = await api.admin("POST", "/v1/admin/renewals/run")

    assert as_org.status_code == 403
    assert (naive.status_code, naive.json()["code"]) == (422, "validation_error")
    assert (far.status_code, far.json()["code"]) == (422, "validation_error")
    assert no_body.status_code == 200
    body: dict[str, Any] = no_body.json()
    assert body["renewed"] == 0
    assert set(body) == {"as_of", "renewed", "failed", "skipped", "failures", "reasons"}


async def test_manual_renewals_during_a_run_never_charge_a_period_twice(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "domain-ch")
    sub_id = created["subscription_id"]
    await backdate(db, sub_id, 36)
    as_of = utcnow()

    first, *manual = await asyncio.gather(
        renew_due_subscriptions(db, as_of, concurrency=1),
        api.call(world.acme, "POST", f"/v1/subscriptions/{sub_id}/renew"),
        api.call(world.agency, "POST", f"/v1/subscriptions/{sub_id}/renew"),
    )
    # A run leaves what was locked when it passed (even twice) to the next run.
    second = await renew_due_subscriptions(db, as_of)

    assert [r.status_code for r in manual] == [201, 201]
    orders = await renewal_orders(db, sub_id)
    assert len(orders) == first.renewed + second.renewed + 2
    assert 3 <= len(orders) <= 5
    assert [o.period_start for o in orders[1:]] == [o.period_end for o in orders[:-1]]
    sub = await subscription_row(db, sub_id)
    assert sub.current_period_end == orders[-1].period_end > as_of


async def test_a_run_comes_back_for_a_subscription_that_was_locked_when_it_passed(
    api: Api, db: AsyncEngine
) -> None:
    world = await build_world(api)
    subs = [(await api.order(world.acme, world.acme, "domain-ch"))["subscription_id"] for _ in range(3)]
    for sub_id in subs:
        await backdate(db, sub_id, 12)
    locked = subs[0]
    release = asyncio.Event()
    claimed_past = asyncio.Event()

    async def hold_the_lock() -> None:
        async with transaction(db) as conn:
            await conn.execute(text("SELECT 1 FROM subscriptions WHERE id = :id FOR UPDATE"), {"id": locked})
            claimed_past.set()
            await release.wait()

    async def run() -> Any:
        await claimed_past.wait()
        return await renew_due_subscriptions(db, utcnow(), batch_size=1, concurrency=1, on_progress=progress)

    def progress(report: Any) -> None:
        if report.subscriptions == 2:  # the first pass is over: let the sweep find it unlocked
            release.set()

    _, report = await asyncio.gather(hold_the_lock(), run())

    assert (report.renewed, report.failed) == (3, 0)
    assert len(await renewal_orders(db, locked)) == 1


async def test_a_stale_claim_renews_the_period_that_is_due_now(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "domain-ch")
    sub_id = created["subscription_id"]
    await backdate(db, sub_id, 36)
    claimed_as = await subscription_row(db, sub_id)
    await api.ok(world.acme, "POST", f"/v1/subscriptions/{sub_id}/renew")  # after the claim
    stale = Claimed(sub_id, world.acme.id, claimed_as.current_period_end, claimed_as.created_at, None)

    async with transaction(db) as conn:
        renewed = await renew_due_period(conn, stale, utcnow())

    assert renewed is not None
    manual, automatic = await renewal_orders(db, sub_id)
    assert automatic.period_start == manual.period_end == renewed.period_start
    assert (automatic.placed_by_id, manual.placed_by_id) == (None, world.acme.id)
