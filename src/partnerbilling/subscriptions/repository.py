"""Queries of subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, any_, bindparam, func, insert, or_, select, text, true, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.pagination import PageParams, keyset
from partnerbilling.partnerships.models import Partnership
from partnerbilling.subscriptions.models import Subscription

# The partner of the customer's active partnership: it may see the subscription meanwhile.
_ACTIVE_PARTNER = (
    select(Partnership.partner_id)
    .where(Partnership.customer_id == Subscription.customer_id, Partnership.status == "active")
    .correlate(Subscription)
    .scalar_subquery()
    .label("active_partner_id")
)


# What the runner may renew. Literal, not bound, so that the planner matches the partial index
# ix_subscriptions_due in generic (prepared) plans too.
_RENEWABLE = text("subscriptions.status = 'active' AND subscriptions.auto_renew")

# Statements of the hot paths (orders, renewals), built once: values go in as parameters, so
# SQLAlchemy reuses their compiled form instead of building and hashing new ones every time.
_ADD = insert(Subscription)
_CHANGE = update(Subscription).where(Subscription.id == bindparam("target_id"))
_RELEASE_CLAIM = (
    update(Subscription).where(Subscription.id == bindparam("target_id")).values(renewal_claimed_until=None)
)
_ACTIVE_PARTNERSHIP_LOCKED = (
    select(
        Partnership.id.label("partnership_id"),
        Partnership.partner_id,
        Partnership.access,
        Partnership.billing_mode,
    )
    .where(Partnership.customer_id == Subscription.customer_id, Partnership.status == "active")
    .with_for_update(read=True)
    .lateral("active_partnership")
)
_LOCK_FOR_RENEWAL = (
    select(Subscription, _ACTIVE_PARTNERSHIP_LOCKED)
    .outerjoin(_ACTIVE_PARTNERSHIP_LOCKED, true())
    .where(Subscription.id == bindparam("target_id"))
    .with_for_update(of=Subscription)
)


async def add(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(_ADD, values)


async def get(conn: AsyncConnection, subscription_id: str, *, lock: bool = False) -> Row[Any] | None:
    """A subscription with ``active_partner_id``, the partner that may currently see it."""
    stmt = select(Subscription, _ACTIVE_PARTNER).where(Subscription.id == subscription_id)
    if lock:
        stmt = stmt.with_for_update(of=Subscription)
    return (await conn.execute(stmt)).first()


async def change(conn: AsyncConnection, subscription_id: str, values: dict[str, Any]) -> None:
    await conn.execute(_CHANGE, {**values, "target_id": subscription_id})


async def list_visible(conn: AsyncConnection, org_id: str, page: PageParams) -> list[Row[Any]]:
    """The org's own subscriptions, and those of customers it is the active partner of."""
    customers_of_partner = select(Partnership.customer_id).where(
        Partnership.partner_id == org_id, Partnership.status == "active"
    )
    stmt = select(Subscription, _ACTIVE_PARTNER).where(
        or_(
            Subscription.customer_id == org_id,
            Subscription.customer_id.in_(customers_of_partner),
        )
    )
    return list(await conn.execute(keyset(stmt, Subscription.created_at, Subscription.id, page)))


async def lock_for_renewal(conn: AsyncConnection, subscription_id: str) -> Row[Any] | None:
    """The subscription, locked against a concurrent renewal or cancellation until commit, with
    its customer's active partnership share-locked as ``partnership_id``, ``partner_id``,
    ``access`` and ``billing_mode`` (nulls without one): one round trip for both locks."""
    return (await conn.execute(_LOCK_FOR_RENEWAL, {"target_id": subscription_id})).first()


async def claim_due(
    conn: AsyncConnection,
    as_of: datetime,
    after: tuple[datetime, str] | None,
    limit: int,
    now: datetime,
    until: datetime,
) -> list[Row[Any]]:
    """Lease up to ``limit`` renewable subscriptions whose period ends at or before ``as_of``,
    in (period end, id) order after the keyset ``after``, leaving those that another runner
    holds (locked now, or leased until later). Returns their ``id``, ``current_period_end``,
    ``customer_id`` and ``sku``."""
    due = select(Subscription.id).where(
        _RENEWABLE,
        Subscription.current_period_end <= as_of,
        or_(Subscription.renewal_claimed_until.is_(None), Subscription.renewal_claimed_until < now),
    )
    if after is not None:
        due = due.where(tuple_(Subscription.current_period_end, Subscription.id) > tuple_(*after))
    claimed = (
        due.order_by(Subscription.current_period_end, Subscription.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    # "= ANY(ARRAY(...))" rather than a join: a primary-key lookup of the claimed rows, where a
    # generic plan would otherwise hash-join the whole table for every batch.
    stmt = (
        update(Subscription)
        .where(Subscription.id == any_(func.array(claimed)))
        .values(renewal_claimed_until=until)
        .returning(
            Subscription.id, Subscription.current_period_end, Subscription.customer_id, Subscription.sku
        )
    )
    return list(await conn.execute(stmt))


async def release_claim(conn: AsyncConnection, subscription_id: str) -> None:
    """Give the subscription back to any runner."""
    await conn.execute(_RELEASE_CLAIM, {"target_id": subscription_id})


async def release_claims(conn: AsyncConnection, subscription_ids: list[str]) -> None:
    """Give these subscriptions back to any runner."""
    await conn.execute(
        update(Subscription)
        .where(Subscription.id == any_(bindparam("ids", type_=ARRAY(String))))
        .values(renewal_claimed_until=None),
        {"ids": subscription_ids},
    )


async def count_due(conn: AsyncConnection, as_of: datetime) -> int:
    """How many renewable subscriptions have a period ending at or before ``as_of``."""
    stmt = (
        select(func.count())
        .select_from(Subscription)
        .where(_RENEWABLE, Subscription.current_period_end <= as_of)
    )
    return int(await conn.scalar(stmt) or 0)
