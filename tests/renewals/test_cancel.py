"""POST /v1/subscriptions/{id}/cancel: no more automatic renewals."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import utcnow
from partnerbilling.renewals.runner import renew_due_subscriptions
from tests.renewals.support import backdate, events_of
from tests.support import Api, build_world


async def test_the_customer_cancels_and_both_parties_hear_of_it(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.agency, world.acme, "web-hosting-pro")
    sub_id = created["subscription_id"]

    cancelled = await api.ok(world.acme, "POST", f"/v1/subscriptions/{sub_id}/cancel")

    assert (cancelled["status"], cancelled["auto_renew"]) == ("cancelled", False)
    assert cancelled["cancelled_at"] is not None
    assert await api.ok(world.agency, "GET", f"/v1/subscriptions/{sub_id}") == cancelled
    events = await events_of(db, "subscription.cancelled")
    assert sorted(org for org, _ in events) == sorted([world.acme.id, world.agency.id])
    assert all(data == cancelled for _, data in events)


async def test_cancelling_again_answers_the_same_and_changes_nothing(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "web-hosting-pro")
    path = f"/v1/subscriptions/{created['subscription_id']}/cancel"

    first = await api.ok(world.agency, "POST", path)
    again = await api.ok(world.acme, "POST", path)

    assert first == again
    assert len(await events_of(db, "subscription.cancelled")) == 2  # one event, two recipients


async def test_a_limited_partner_may_not_cancel(api: Api) -> None:
    world = await build_world(api, access="limited")
    created = await api.order(world.acme, world.acme, "web-hosting-pro")

    response = await api.call(world.agency, "POST", f"/v1/subscriptions/{created['subscription_id']}/cancel")

    assert response.status_code == 403
    sub = await api.ok(world.acme, "GET", f"/v1/subscriptions/{created['subscription_id']}")
    assert sub["status"] == "active"


async def test_the_runner_leaves_a_cancelled_subscription_alone(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    created = await api.order(world.acme, world.acme, "web-hosting-pro")
    await backdate(db, created["subscription_id"], 24)
    await api.ok(world.acme, "POST", f"/v1/subscriptions/{created['subscription_id']}/cancel")

    report = await renew_due_subscriptions(db, utcnow())

    assert (report.renewed, report.failed) == (0, 0)
