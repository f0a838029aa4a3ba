"""Queries of payouts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update

from partnerbilling.journal import kinds as journaled
from partnerbilling.journal.repository import append as journal
from partnerbilling.pagination import KeysetQuery, PageParams
from partnerbilling.payouts.domain import Payout
from partnerbilling.payouts.models import Payout as Payouts
from partnerbilling.sql import Connection, Statement, column_values, fetch_all, fetch_one
from partnerbilling.states import PayoutStatus

_ADD = Statement(insert(Payouts), column_keys=[c.key for c in Payouts.__table__.columns])


async def add(conn: Connection, payout: Payout) -> None:
    await _ADD.execute(conn, column_values(payout))
    await journal(conn, journaled.PAYOUT, payout.id)


_GET = Statement(select(Payouts).where(Payouts.id == bindparam("payout_id")))
_GET_LOCKED = Statement(select(Payouts).where(Payouts.id == bindparam("payout_id")).with_for_update())


async def get(conn: Connection, payout_id: str, *, for_update: bool = False) -> Payout | None:
    """The payout; ``for_update``: locked until commit, so that two decisions on it serialise."""
    return await (_GET_LOCKED if for_update else _GET).row(conn, {"payout_id": payout_id}, Payout)


async def set_status(conn: Connection, payout_id: str, status: PayoutStatus, at: datetime) -> Payout:
    stmt = (
        update(Payouts).where(Payouts.id == payout_id).values(status=status, updated_at=at).returning(Payouts)
    )
    changed = await fetch_one(conn, stmt, Payout)
    assert changed is not None  # the caller holds its lock
    await journal(conn, journaled.PAYOUT_STATES[status], payout_id)  # the state change's record
    return changed


_ORGS_PAGE = KeysetQuery(
    select(Payouts).where(Payouts.org_id == bindparam("org_id")), Payouts.created_at, Payouts.id
)


async def list_for_org(conn: Connection, org_id: str, page: PageParams) -> list[Payout]:
    return await _ORGS_PAGE.rows(conn, {"org_id": org_id}, page, Payout)


async def list_for_export(conn: Connection, status: PayoutStatus, currency: str) -> list[Payout]:
    """Every payout in ``status`` and ``currency``, oldest first (a file lists them in the order
    they were asked for)."""
    stmt = (
        select(Payouts)
        .where(Payouts.status == status, Payouts.currency == currency)
        .order_by(Payouts.created_at, Payouts.id)
    )
    return await fetch_all(conn, stmt, Payout)
