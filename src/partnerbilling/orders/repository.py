"""Queries of orders (each read with its cashback entry, if any)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, literal_column, select, union_all
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.billing.domain import Order as PlannedOrder
from partnerbilling.billing.domain import column_values
from partnerbilling.cashback.models import CashbackEntry
from partnerbilling.orders.models import Order
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.sql import Statement


def _with_cashback() -> Any:
    return select(
        Order,
        CashbackEntry.rate.label("cashback_rate"),
        CashbackEntry.amount.label("cashback_amount"),
        CashbackEntry.status.label("cashback_status"),
    ).outerjoin(CashbackEntry, CashbackEntry.order_id == Order.id)


# Every charge runs it: precompiled (partnerbilling.sql).
_ADD = Statement(insert(Order), column_keys=[c.key for c in Order.__table__.columns])


async def add(conn: AsyncConnection, order: PlannedOrder) -> None:
    """Insert a planned order (its ``cashback_*`` fields are its entry's, not columns)."""
    await _ADD.execute(conn, column_values(order))


async def get(conn: AsyncConnection, order_id: str) -> Row[Any] | None:
    row: Row[Any] | None = (await conn.execute(_with_cashback().where(Order.id == order_id))).first()
    return row


async def list_visible(conn: AsyncConnection, org_id: str, page: PageParams) -> list[Row[Any]]:
    """Orders of the org as customer, and those charged in partnerships where it is the partner.
    Two index-ordered scans merged, so the page costs the same at any table size."""
    own = keyset(_with_cashback().where(Order.customer_id == org_id), Order.created_at, Order.id, page)
    as_partner = keyset(
        _with_cashback().where(Order.partner_id == org_id, Order.partnership_id.is_not(None)),
        Order.created_at,
        Order.id,
        page,
    )
    merged = union_all(own, as_partner).subquery()
    stmt = (
        select(merged)
        .order_by(literal_column("created_at").desc(), literal_column("id").desc())
        .limit(page.limit + 1)
    )
    return list(await conn.execute(stmt))
