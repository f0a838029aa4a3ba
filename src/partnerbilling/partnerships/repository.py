"""Queries of partnerships and their change history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.partnerships import domain
from partnerbilling.partnerships.models import Partnership, PartnershipChange
from partnerbilling.sql import Statement


async def get(conn: AsyncConnection, partnership_id: str, *, lock: bool = False) -> Row[Any] | None:
    stmt = select(Partnership).where(Partnership.id == partnership_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await conn.execute(stmt)).first()


async def open_for_customer(conn: AsyncConnection, customer_id: str) -> Row[Any] | None:
    """The customer's pending or active partnership, if any."""
    stmt = select(Partnership).where(
        Partnership.customer_id == customer_id, Partnership.status.in_(("pending", "active"))
    )
    return (await conn.execute(stmt)).first()


_ACTIVE = select(Partnership).where(
    Partnership.customer_id == bindparam("customer_id"), Partnership.status == "active"
)
# Every charge runs it: precompiled (partnerbilling.sql).
_ACTIVE_SHARE_LOCKED = Statement(_ACTIVE.with_for_update(read=True))


async def active_for_customer(conn: AsyncConnection, customer_id: str, *, share_lock: bool = False) -> Any:
    """The customer's active partnership, or None. With ``share_lock`` the row stays locked
    against changes until the transaction ends, so a charge reads one consistent billing mode."""
    if share_lock:
        return await _ACTIVE_SHARE_LOCKED.row(conn, {"customer_id": customer_id}, domain.Partnership)
    return (await conn.execute(_ACTIVE, {"customer_id": customer_id})).first()


def active_terms(row: Row[Any] | None) -> ActivePartnership | None:
    """The routing view of an active partnership row."""
    if row is None:
        return None
    return ActivePartnership(row.id, row.partner_id, Access(row.access), BillingMode(row.billing_mode))


async def lock_active_partnership(conn: AsyncConnection, customer_id: str) -> ActivePartnership | None:
    """Read the customer's active partnership and keep it share-locked until commit, so that
    a concurrent billing-mode change lands wholly before or wholly after this charge."""
    return active_terms(await active_for_customer(conn, customer_id, share_lock=True))


async def add(conn: AsyncConnection, values: dict[str, Any]) -> Row[Any]:
    return (await conn.execute(insert(Partnership).values(**values).returning(Partnership))).one()


async def change(conn: AsyncConnection, partnership_id: str, values: dict[str, Any]) -> Row[Any]:
    stmt = update(Partnership).where(Partnership.id == partnership_id).values(**values).returning(Partnership)
    return (await conn.execute(stmt)).one()


async def add_changes(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(PartnershipChange), rows)


async def list_for_org(conn: AsyncConnection, org_id: str, page: PageParams) -> list[Row[Any]]:
    stmt = select(Partnership).where(or_(Partnership.customer_id == org_id, Partnership.partner_id == org_id))
    stmt = keyset(stmt, Partnership.created_at, Partnership.id, page)
    return list(await conn.execute(stmt))


async def list_changes(conn: AsyncConnection, partnership_id: str, page: PageParams) -> list[Row[Any]]:
    stmt = select(PartnershipChange, PartnershipChange.changed_at.label("created_at")).where(
        PartnershipChange.partnership_id == partnership_id
    )
    stmt = keyset(stmt, PartnershipChange.changed_at, PartnershipChange.id, page)
    return list(await conn.execute(stmt))
