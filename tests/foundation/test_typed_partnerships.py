"""Partnerships, their changes and subscriptions come back from their repositories as frozen
domain objects, every statement of theirs runs through the executor (partnerbilling.sql), and a
second open partnership is refused there as the service's own error."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

import partnerbilling
from partnerbilling.db import transaction, utcnow
from partnerbilling.errors import DuplicateKey
from partnerbilling.pagination import PageParams
from partnerbilling.partnerships import repository as partnerships
from partnerbilling.partnerships.domain import Partnership, PartnershipChange
from partnerbilling.subscriptions import repository as subscriptions
from partnerbilling.subscriptions.domain import StoredSubscription
from tests.support import Api, build_world

PAGE = PageParams(limit=10, after=None)
CONVERTED = (
    "partnerships/repository.py",
    "partnerships/service.py",
    "subscriptions/repository.py",
    "subscriptions/service.py",
)


async def test_repositories_return_frozen_domain_objects(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    pship_id = world.partnership["id"]
    await api.ok(world.acme, "PATCH", f"/v1/partnerships/{pship_id}", json={"billing_mode": "partner"})
    order = await api.order(world.acme, world.acme, "web-hosting-pro")
    async with transaction(db) as conn:
        one = await partnerships.get(conn, pship_id)
        listed = await partnerships.list_for_org(conn, world.agency.id, PAGE)
        changes = await partnerships.list_changes(conn, pship_id, PAGE)
        sub = await subscriptions.get(conn, order["subscription_id"], lock=True)
        seen = await subscriptions.list_visible(conn, world.agency.id, PAGE)
    assert type(one) is Partnership and one.billing_mode == "partner" and one.status == "active"
    assert listed == [one]
    assert [type(c) for c in changes] == [PartnershipChange]
    assert (changes[0].field, changes[0].old_value, changes[0].new_value) == (
        "billing_mode",
        "customer",
        "partner",
    )
    assert changes[0].created_at == changes[0].changed_at
    assert type(sub) is StoredSubscription
    assert (sub.customer_id, sub.active_partner_id, sub.renewal_claimed_until) == (
        world.acme.id,
        world.agency.id,
        None,
    )
    assert seen == [sub]
    with pytest.raises(dataclasses.FrozenInstanceError):
        sub.status = "cancelled"  # type: ignore[misc]


async def test_a_second_open_partnership_is_a_duplicate_key(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    now = utcnow()
    second = Partnership(
        "pship_second",
        world.acme.id,
        world.stranger.id,
        "full",
        "customer",
        "pending",
        now,
        now,
        None,
        None,
        None,
    )
    with pytest.raises(DuplicateKey) as refused:
        async with transaction(db) as conn:
            await partnerships.add(conn, second)
    assert refused.value.constraint == "uq_partnerships_open_customer"
    async with transaction(db) as conn:
        assert await partnerships.get(conn, "pship_second") is None


async def test_a_subscription_change_is_compiled_once_per_set_of_columns(api: Api, db: AsyncEngine) -> None:
    world = await build_world(api)
    first = await api.order(world.acme, world.acme, "web-hosting-pro")
    second = await api.order(world.acme, world.acme, "domain-ch")
    async with transaction(db) as conn:
        await subscriptions.change(conn, first["subscription_id"], {"auto_renew": False})
        compiled = dict(subscriptions._CHANGES)
        await subscriptions.change(conn, second["subscription_id"], {"auto_renew": False})
        assert compiled == subscriptions._CHANGES
        assert compiled[("auto_renew",)] is subscriptions._CHANGES[("auto_renew",)]
        both = [await subscriptions.get(conn, o["subscription_id"]) for o in (first, second)]
    assert [s.auto_renew if s else None for s in both] == [False, False]


def test_every_statement_runs_through_the_executor() -> None:
    root = Path(partnerbilling.__file__).parent
    for name in CONVERTED:
        source = (root / name).read_text()
        assert "conn.execute(" not in source and "conn.scalar(" not in source, name
        assert "Row[" not in source and "Any" not in source, name
