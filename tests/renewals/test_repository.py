"""The renewal runner's queries return typed rows: what it claimed, a subscription locked with its
customer's partnership, and each customer's partner with its tier."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode
from partnerbilling.db import transaction, utcnow
from partnerbilling.renewals import repository
from partnerbilling.renewals.domain import DueSubscription, LockedSubscription, PartnerOf
from tests.renewals.support import backdate
from tests.support import Api, build_world


async def test_claim_lock_and_partners_come_back_typed(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api)
    placed = await api.order(w.agency, w.acme, "web-hosting-pro")
    subscription_id = str(placed["subscription_id"])
    await backdate(db, subscription_id, 13)
    now = utcnow()
    async with transaction(db) as conn:
        claimed = await repository.claim_due(conn, now, None, 10, now, now + timedelta(minutes=5))
        keyset = (claimed[0].current_period_end, claimed[0].id)
        again = await repository.claim_due(conn, now, keyset, 10, now, now)
        locked = await repository.lock(conn, subscription_id)
        partners = await repository.partners_of(conn, [w.acme.id, w.stranger.id])
    assert [type(c) for c in claimed] == [DueSubscription]
    first = claimed[0]
    assert (first.id, first.customer_id, first.sku) == (subscription_id, w.acme.id, "web-hosting-pro")
    assert again == []  # nothing after the keyset
    assert isinstance(locked, LockedSubscription)
    assert locked.renewal_claimed_until is not None  # the claim's lease
    partnership = ActivePartnership(w.partnership["id"], w.agency.id, Access.FULL, BillingMode.CUSTOMER)
    assert locked.partnership == partnership
    assert list(partners) == [w.acme.id]
    assert isinstance(partners[w.acme.id], PartnerOf)
    assert (partners[w.acme.id].id, partners[w.acme.id].reseller_tier) == (w.agency.id, "gold")
    assert partners[w.acme.id].tier_default_rate is not None


async def test_a_subscription_without_partnership_locks_with_none(api: Api, db: AsyncEngine) -> None:
    await api.gold_catalogue()
    alone = await api.org("Alone")
    placed = await api.order(alone, alone, "web-hosting-pro")
    async with transaction(db) as conn:
        locked = await repository.lock(conn, str(placed["subscription_id"]))
        missing = await repository.lock(conn, "sub_missing")
    assert locked is not None and locked.partnership is None and locked.partner_id is None
    assert missing is None
