"""Queries of the renewal runner: claiming due subscriptions, and locking or advancing one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Integer,
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

from partnerbilling.catalog.models import ResellerTier
from partnerbilling.organizations.models import Organization
from partnerbilling.partnerships.models import Partnership
from partnerbilling.renewals.domain import DueSubscription, LockedSubscription, PartnerOf
from partnerbilling.sql import Connection, Statement, fetch_value
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
_LOCK = Statement(
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

_RELEASE = Statement(
    update(Subscription).where(Subscription.id == bindparam("target_id")).values(renewal_claimed_until=None)
)
_RELEASE_MANY = Statement(
    update(Subscription)
    .where(Subscription.id == any_(bindparam("ids", type_=ARRAY(String))))
    .values(renewal_claimed_until=None)
)


_NO_IDLE_TIMEOUT = Statement(text("SET LOCAL idle_in_transaction_session_timeout = 0"))

_PARTNERS_OF = Statement(
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


_AT = Subscription.current_period_end.type  # timestamptz


def _claim(after: bool) -> Statement:
    """Lease up to ``batch_limit`` renewable subscriptions whose period ends at or before
    ``as_of``, in (period end, id) order (after the keyset ``after_end``, ``after_id`` if
    ``after``), leaving those that another runner holds (locked now, or leased until later)."""
    due = select(Subscription.id).where(
        _RENEWABLE,
        Subscription.current_period_end <= bindparam("as_of", type_=_AT),
        or_(
            Subscription.renewal_claimed_until.is_(None),
            Subscription.renewal_claimed_until < bindparam("claim_now", type_=_AT),
        ),
    )
    if after:
        keyset = tuple_(
            bindparam("after_end", type_=_AT),
            bindparam("after_id", type_=String),
        )
        due = due.where(tuple_(Subscription.current_period_end, Subscription.id) > keyset)
    claimed = (
        due.order_by(Subscription.current_period_end, Subscription.id)
        .limit(bindparam("batch_limit", type_=Integer))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    # "= ANY(ARRAY(...))" rather than a join: a primary-key lookup of the claimed rows, where a
    # generic plan would otherwise hash-join the whole table for every batch.
    return Statement(
        update(Subscription)
        .where(Subscription.id == any_(func.array(claimed)))
        .values(renewal_claimed_until=bindparam("until", type_=_AT))
        .returning(
            Subscription.id,
            Subscription.current_period_end,
            Subscription.created_at,
            Subscription.customer_id,
            Subscription.sku,
        )
    )


# Every batch of the runner runs one: precompiled (partnerbilling.sql).
_CLAIM_FIRST, _CLAIM_AFTER = _claim(after=False), _claim(after=True)


async def lock(conn: Connection, subscription_id: str) -> LockedSubscription | None:
    """The subscription, locked against a concurrent renewal or cancellation until commit, with
    its customer's active partnership share-locked (nulls without one): one round trip for both
    locks."""
    return await _LOCK.row(conn, {"target_id": subscription_id}, LockedSubscription)


async def advance(
    conn: Connection,
    subscription_id: str,
    customer_id: str,
    expected_end: datetime,
    period: tuple[datetime, datetime],
    release: bool,
) -> LockedSubscription | None:
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
    return await _ADVANCE.row(conn, params, LockedSubscription)


async def claim_due(
    conn: Connection,
    as_of: datetime,
    after: tuple[datetime, str] | None,
    limit: int,
    now: datetime,
    until: datetime,
) -> list[DueSubscription]:
    """Lease up to ``limit`` renewable subscriptions whose period ends at or before ``as_of``,
    in (period end, id) order after the keyset ``after``, leaving those that another runner
    holds (locked now, or leased until later)."""
    params = {"as_of": as_of, "claim_now": now, "batch_limit": limit, "until": until}
    if after is None:
        return await _CLAIM_FIRST.rows(conn, params, DueSubscription)
    params.update(after_end=after[0], after_id=after[1])
    return await _CLAIM_AFTER.rows(conn, params, DueSubscription)


async def partners_of(conn: Connection, customer_ids: list[str]) -> dict[str, PartnerOf]:
    """The active partner of each of these customers that has one, by customer id, with its
    tier's rates as :func:`partnerbilling.organizations.repository.get_with_tier` reads them."""
    partners = await _PARTNERS_OF.rows(conn, {"customer_ids": customer_ids}, PartnerOf)
    return {partner.partner_of: partner for partner in partners}


async def release(conn: Connection, subscription_id: str) -> None:
    """Give the subscription back to any runner."""
    await _RELEASE.execute(conn, {"target_id": subscription_id})


async def release_many(conn: Connection, subscription_ids: list[str]) -> None:
    """Give these subscriptions back to any runner."""
    await _RELEASE_MANY.execute(conn, {"ids": subscription_ids})


async def count_due(conn: Connection, as_of: datetime) -> int:
    """How many renewable subscriptions have a period ending at or before ``as_of``."""
    stmt = (
        select(func.count())
        .select_from(Subscription)
        .where(_RENEWABLE, Subscription.current_period_end <= as_of)
    )
    return int(await fetch_value(conn, stmt) or 0)


async def count_suspended_due(conn: Connection, as_of: datetime) -> int:
    """How many suspended auto-renewing subscriptions would be due by ``as_of``: the run leaves
    them alone until their invoice is paid (SPEC §10)."""
    stmt = (
        select(func.count())
        .select_from(Subscription)
        .where(
            Subscription.status == "suspended",
            Subscription.auto_renew,
            Subscription.current_period_end <= as_of,
        )
    )
    return int(await fetch_value(conn, stmt) or 0)


async def no_idle_timeout(conn: Connection) -> None:
    """Let this transaction wait idle as long as it takes (a request that waits for a run)."""
    await _NO_IDLE_TIMEOUT.execute(conn, {})
