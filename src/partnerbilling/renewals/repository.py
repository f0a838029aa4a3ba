"""Queries of the renewal runner: claiming due subscriptions, and locking or advancing one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    String,
    any_,
    bindparam,
    case,
    func,
    null,
    or_,
    select,
    text,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.catalog.models import ResellerTier
from partnerbilling.organizations.models import Organization
from partnerbilling.partnerships.models import Partnership
from partnerbilling.sql import Statement, UntypedRow
from partnerbilling.subscriptions.models import Subscription

# What the runner may renew. Literal, not bound, so that the planner matches the partial index
# ix_subscriptions_due in generic (prepared) plans too.
_RENEWABLE = text("subscriptions.status = 'active' AND subscriptions.auto_renew")

# The statements of every renewal are built once; values go in as parameters (named unlike any
# column of subscriptions: SQLAlchemy would take such a parameter for one more column to SET).
_ACTIVE_PARTNERSHIP = select(
    Partnership.id.label("partnership_id"),
    Partnership.partner_id,
    Partnership.access,
    Partnership.billing_mode,
).where(Partnership.status == "active")

_LOCKED_PARTNERSHIP = (
    _ACTIVE_PARTNERSHIP.where(Partnership.customer_id == Subscription.customer_id)
    .with_for_update(read=True)
    .lateral("active_partnership")
)
_LOCK = (
    select(Subscription, _LOCKED_PARTNERSHIP)
    .outerjoin(_LOCKED_PARTNERSHIP, true())
    .where(Subscription.id == bindparam("target_id"))
    .with_for_update(of=Subscription)
)

_ADVANCED = (
    update(Subscription)
    .where(
        Subscription.id == bindparam("target_id"),
        Subscription.current_period_end == bindparam("expected_end"),
        _RENEWABLE,
    )
    .values(
        current_period_start=bindparam("start"),
        current_period_end=bindparam("end"),
        renewal_claimed_until=case(
            (bindparam("release", type_=Boolean), null()), else_=Subscription.renewal_claimed_until
        ),
    )
    .returning(*Subscription.__table__.c)
    .cte("advanced")
)
_SHARED_PARTNERSHIP = (
    _ACTIVE_PARTNERSHIP.where(Partnership.customer_id == bindparam("of_customer"))
    .with_for_update(read=True)
    .cte("active_partnership")
)
# Every automatic renewal runs it: precompiled (partnerbilling.sql).
_ADVANCE = Statement(
    select(_ADVANCED, _SHARED_PARTNERSHIP).select_from(_ADVANCED.outerjoin(_SHARED_PARTNERSHIP, true()))
)

_RELEASE = (
    update(Subscription).where(Subscription.id == bindparam("target_id")).values(renewal_claimed_until=None)
)
_RELEASE_MANY = (
    update(Subscription)
    .where(Subscription.id == any_(bindparam("ids", type_=ARRAY(String))))
    .values(renewal_claimed_until=None)
)


_PARTNERS_OF = (
    select(
        Organization,
        ResellerTier.default_rate.label("tier_default_rate"),
        ResellerTier.rates.label("tier_rates"),
        Partnership.customer_id.label("partner_of"),
    )
    .join(Partnership, Partnership.partner_id == Organization.id)
    .outerjoin(ResellerTier, ResellerTier.code == Organization.reseller_tier)
    .where(
        Partnership.customer_id == any_(bindparam("customer_ids", type_=ARRAY(String))),
        Partnership.status == "active",
    )
)


async def lock(conn: AsyncConnection, subscription_id: str) -> Row[Any] | None:
    """The subscription, locked against a concurrent renewal or cancellation until commit, with
    its customer's active partnership share-locked as ``partnership_id``, ``partner_id``,
    ``access`` and ``billing_mode`` (nulls without one): one round trip for both locks."""
    return (await conn.execute(_LOCK, {"target_id": subscription_id})).first()


async def advance(
    conn: AsyncConnection,
    subscription_id: str,
    customer_id: str,
    expected_end: datetime,
    period: tuple[datetime, datetime],
    release: bool,
) -> Any | None:
    """Move a renewable subscription whose current period still ends at ``expected_end`` on to
    ``period`` (letting go of the runner's claim if ``release``), and share-lock its customer's
    active partnership: one round trip where :func:`lock` and an update take two. Returns the
    updated subscription with the partnership columns of :func:`lock`, or None if the
    subscription is no longer as expected (renewed, cancelled meanwhile)."""
    params = {
        "target_id": subscription_id,
        "of_customer": customer_id,
        "expected_end": expected_end,
        "start": period[0],
        "end": period[1],
        "release": release,
    }
    return await _ADVANCE.row(conn, params, UntypedRow)


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
    ``created_at``, ``customer_id`` and ``sku``."""
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
            Subscription.id,
            Subscription.current_period_end,
            Subscription.created_at,
            Subscription.customer_id,
            Subscription.sku,
        )
    )
    return list(await conn.execute(stmt))


async def partners_of(conn: AsyncConnection, customer_ids: list[str]) -> dict[str, Row[Any]]:
    """The active partner of each of these customers that has one, by customer id, with its
    tier's rates as :func:`partnerbilling.organizations.repository.get_with_tier` reads them."""
    result = await conn.execute(_PARTNERS_OF, {"customer_ids": customer_ids})
    return {row.partner_of: row for row in result}


async def release(conn: AsyncConnection, subscription_id: str) -> None:
    """Give the subscription back to any runner."""
    await conn.execute(_RELEASE, {"target_id": subscription_id})


async def release_many(conn: AsyncConnection, subscription_ids: list[str]) -> None:
    """Give these subscriptions back to any runner."""
    await conn.execute(_RELEASE_MANY, {"ids": subscription_ids})


async def count_due(conn: AsyncConnection, as_of: datetime) -> int:
    """How many renewable subscriptions have a period ending at or before ``as_of``."""
    stmt = (
        select(func.count())
        .select_from(Subscription)
        .where(_RENEWABLE, Subscription.current_period_end <= as_of)
    )
    return int(await conn.scalar(stmt) or 0)
