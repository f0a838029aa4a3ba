"""Queries of subscriptions."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, or_, select, update

from partnerbilling.pagination import KeysetQuery, PageParams
from partnerbilling.partnerships.models import Partnership
from partnerbilling.sql import Connection, Statement, fetch_all
from partnerbilling.states import SubscriptionStatus
from partnerbilling.subscriptions.domain import StoredSubscription
from partnerbilling.subscriptions.models import Subscription

# The partner of the customer's active partnership: it may see the subscription meanwhile.
_ACTIVE_PARTNER = (
    select(Partnership.partner_id)
    .where(Partnership.customer_id == Subscription.customer_id, Partnership.status == "active")
    .correlate(Subscription)
    .scalar_subquery()
    .label("active_partner_id")
)


# Every renewal and cancellation reads the subscription: precompiled.
_BY_ID = select(Subscription, _ACTIVE_PARTNER).where(Subscription.id == bindparam("subscription_id"))
_GET = Statement(_BY_ID)
_GET_LOCKED = Statement(_BY_ID.with_for_update(of=Subscription))
# The list page every client polls: precompiled.
_VISIBLE = KeysetQuery(
    select(Subscription, _ACTIVE_PARTNER).where(
        or_(
            Subscription.customer_id == bindparam("org_id"),
            Subscription.customer_id.in_(
                select(Partnership.customer_id).where(
                    Partnership.partner_id == bindparam("org_id"), Partnership.status == "active"
                )
            ),
        )
    ),
    Subscription.created_at,
    Subscription.id,
)
# A change's statement per set of columns it sets, compiled once (every renewal runs one).
_CHANGES: dict[tuple[str, ...], Statement] = {}


async def get(conn: Connection, subscription_id: str, *, lock: bool = False) -> StoredSubscription | None:
    """A subscription with ``active_partner_id``, the partner that may currently see it."""
    stmt = _GET_LOCKED if lock else _GET
    return await stmt.row(conn, {"subscription_id": subscription_id}, StoredSubscription)


async def change(conn: Connection, subscription_id: str, values: Mapping[str, object]) -> None:
    columns = tuple(sorted(values))
    stmt = _CHANGES.get(columns)
    if stmt is None:
        # The target's parameter is not named after a column: SQLAlchemy would take it for one
        # more column to SET.
        target = update(Subscription).where(Subscription.id == bindparam("target_id"))
        stmt = _CHANGES[columns] = Statement(target, column_keys=list(columns))
    await stmt.execute(conn, {**values, "target_id": subscription_id})


async def list_visible(conn: Connection, org_id: str, page: PageParams) -> list[StoredSubscription]:
    """The org's own subscriptions, and those of customers it is the active partner of."""
    return await _VISIBLE.rows(conn, {"org_id": org_id}, page, StoredSubscription)


async def renewable_of_customer(conn: Connection, customer_id: str) -> list[StoredSubscription]:
    """The customer's subscriptions that the renewal run renews (active, so neither suspended
    nor cancelled, and auto-renewing), the next to end first."""
    stmt = (
        select(Subscription, _ACTIVE_PARTNER)
        .where(
            Subscription.customer_id == customer_id,
            Subscription.status == SubscriptionStatus.ACTIVE,
            Subscription.auto_renew.is_(True),
        )
        .order_by(Subscription.current_period_end, Subscription.id)
    )
    return await fetch_all(conn, stmt, StoredSubscription)
