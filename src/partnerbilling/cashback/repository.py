"""Queries of cashback entries and balances."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.billing.domain import CashbackEntry as PlannedEntry
from partnerbilling.billing.domain import column_values
from partnerbilling.cashback.models import CashbackEntry
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.sql import Statement
from partnerbilling.states import CASHBACK, CashbackStatus, sources_of

# Every charge runs it: precompiled (partnerbilling.sql).
_ADD = Statement(insert(CashbackEntry), column_keys=[c.key for c in CashbackEntry.__table__.columns])


async def add(conn: AsyncConnection, entry: PlannedEntry) -> None:
    await _ADD.execute(conn, column_values(entry))


async def move_to(
    conn: AsyncConnection, order_id: str, to_status: CashbackStatus, at: datetime
) -> Row[Any] | None:
    """Move the order's entry to ``to_status`` if its lifecycle allows it from where it is (else
    leave it, and return None)."""
    stmt = (
        update(CashbackEntry)
        .where(CashbackEntry.order_id == order_id, CashbackEntry.status.in_(sources_of(CASHBACK, to_status)))
        .values(status=to_status, updated_at=at)
        .returning(CashbackEntry)
    )
    return (await conn.execute(stmt)).first()


async def list_for_partner(conn: AsyncConnection, partner_id: str, page: PageParams) -> list[Row[Any]]:
    stmt = select(CashbackEntry).where(CashbackEntry.partner_id == partner_id)
    return list(await conn.execute(keyset(stmt, CashbackEntry.created_at, CashbackEntry.id, page)))


async def balances(conn: AsyncConnection, partner_id: str) -> list[Row[Any]]:
    """Per currency: the sum of pending and of available entries."""

    def total(status: str) -> Any:
        return func.coalesce(
            func.sum(case((CashbackEntry.status == status, CashbackEntry.amount), else_=0)), 0
        )

    stmt = (
        select(
            CashbackEntry.currency,
            total(CashbackStatus.PENDING).label("pending"),
            total(CashbackStatus.AVAILABLE).label("available"),
        )
        .where(CashbackEntry.partner_id == partner_id)
        .group_by(CashbackEntry.currency)
        .order_by(CashbackEntry.currency)
    )
    return list(await conn.execute(stmt))
