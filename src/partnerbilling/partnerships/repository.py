"""Queries of partnerships and their change history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, or_, select, update

from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode
from partnerbilling.pagination import KeysetQuery, PageParams
from partnerbilling.partnerships import domain
from partnerbilling.partnerships.models import Partnership, PartnershipChange
from partnerbilling.sql import Connection, Statement, column_values, execute, fetch_one

_BY_ID = select(Partnership).where(Partnership.id == bindparam("partnership_id"))
_GET = Statement(_BY_ID)
_GET_LOCKED = Statement(_BY_ID.with_for_update())
_ACTIVE = select(Partnership).where(
    Partnership.customer_id == bindparam("customer_id"), Partnership.status == "active"
)
# Every charge runs it: precompiled (partnerbilling.sql).
_ACTIVE_SHARE_LOCKED = Statement(_ACTIVE.with_for_update(read=True))
_ACTIVE_UNLOCKED = Statement(_ACTIVE)
_ADD = Statement(insert(Partnership), column_keys=[c.key for c in Partnership.__table__.columns])
# List pages every client polls: precompiled.
_FOR_ORG = KeysetQuery(
    select(Partnership).where(
        or_(Partnership.customer_id == bindparam("org_id"), Partnership.partner_id == bindparam("org_id"))
    ),
    Partnership.created_at,
    Partnership.id,
)
_CHANGES = KeysetQuery(
    select(PartnershipChange).where(PartnershipChange.partnership_id == bindparam("partnership_id")),
    PartnershipChange.changed_at,
    PartnershipChange.id,
)

# What a change may set.
Value = str | datetime | None


async def get(conn: Connection, partnership_id: str, *, lock: bool = False) -> domain.Partnership | None:
    stmt = _GET_LOCKED if lock else _GET
    return await stmt.row(conn, {"partnership_id": partnership_id}, domain.Partnership)


async def open_for_customer(conn: Connection, customer_id: str) -> domain.Partnership | None:
    """The customer's pending or active partnership, if any."""
    stmt = select(Partnership).where(
        Partnership.customer_id == customer_id, Partnership.status.in_(("pending", "active"))
    )
    return await fetch_one(conn, stmt, domain.Partnership)


async def active_for_customer(
    conn: Connection, customer_id: str, *, share_lock: bool = False
) -> domain.Partnership | None:
    """The customer's active partnership, or None. With ``share_lock`` the row stays locked
    against changes until the transaction ends, so a charge reads one consistent billing mode."""
    stmt = _ACTIVE_SHARE_LOCKED if share_lock else _ACTIVE_UNLOCKED
    return await stmt.row(conn, {"customer_id": customer_id}, domain.Partnership)


def active_terms(p: domain.Partnership | None) -> ActivePartnership | None:
    """The routing view of an active partnership."""
    if p is None:
        return None
    return ActivePartnership(p.id, p.partner_id, Access(p.access), BillingMode(p.billing_mode))


async def lock_active_partnership(conn: Connection, customer_id: str) -> ActivePartnership | None:
    """Read the customer's active partnership and keep it share-locked until commit, so that
    a concurrent billing-mode change lands wholly before or wholly after this charge."""
    return active_terms(await active_for_customer(conn, customer_id, share_lock=True))


async def add(conn: Connection, partnership: domain.Partnership) -> None:
    """Insert it; a second open partnership of its customer raises DuplicateKey."""
    await _ADD.execute(conn, column_values(partnership))


async def change(conn: Connection, partnership_id: str, **values: Value) -> domain.Partnership:
    stmt = update(Partnership).where(Partnership.id == partnership_id).values(**values).returning(Partnership)
    changed = await fetch_one(conn, stmt, domain.Partnership)
    assert changed is not None  # the caller holds the row locked
    return changed


async def add_changes(conn: Connection, changes: list[domain.PartnershipChange]) -> None:
    if changes:
        await execute(conn, insert(PartnershipChange).values([column_values(c) for c in changes]))


async def list_for_org(conn: Connection, org_id: str, page: PageParams) -> list[domain.Partnership]:
    return await _FOR_ORG.rows(conn, {"org_id": org_id}, page, domain.Partnership)


async def list_changes(
    conn: Connection, partnership_id: str, page: PageParams
) -> list[domain.PartnershipChange]:
    return await _CHANGES.rows(conn, {"partnership_id": partnership_id}, page, domain.PartnershipChange)
