"""Queries of subscriptions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.billing.domain import Subscription as NewSubscription
from partnerbilling.billing.domain import column_values
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.partnerships.models import Partnership
from partnerbilling.sql import Statement
from partnerbilling.subscriptions.models import Subscription

# The partner of the customer's active partnership: it may see the subscription meanwhile.
_ACTIVE_PARTNER = (
    select(Partnership.partner_id)
    .where(Partnership.customer_id == Subscription.customer_id, Partnership.status == "active")
    .correlate(Subscription)
    .scalar_subquery()
    .label("active_partner_id")
)


# Every order runs it: precompiled (partnerbilling.sql). A new subscription is not claimed.
_ADD = Statement(
    insert(Subscription),
    column_keys=[c.key for c in Subscription.__table__.columns if c.key != "renewal_claimed_until"],
)
# Built once (every renewal runs it): values go in as parameters, so SQLAlchemy reuses its
# compiled form instead of building and hashing a new statement every time.
_CHANGE = update(Subscription).where(Subscription.id == bindparam("target_id"))


async def add(conn: AsyncConnection, subscription: NewSubscription) -> None:
    await _ADD.execute(conn, column_values(subscription))


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
