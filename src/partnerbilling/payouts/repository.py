"""Queries of payouts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, any_, bindparam, insert, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from partnerbilling.journal import kinds as journaled
from partnerbilling.journal.repository import append as journal
from partnerbilling.pagination import KeysetQuery, PageParams, keyset
from partnerbilling.payouts.domain import Payout
from partnerbilling.payouts.models import Payout as Payouts
from partnerbilling.payouts.models import PayoutBatch as Batches
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


async def list_page(
    conn: Connection, page: PageParams, status: PayoutStatus | None, currency: str | None
) -> list[Payout]:
    """Every organisation's payouts, newest first, of a status and a currency if given."""
    stmt = select(Payouts)
    if status is not None:
        stmt = stmt.where(Payouts.status == status)
    if currency is not None:
        stmt = stmt.where(Payouts.currency == currency)
    return await fetch_all(conn, keyset(stmt, Payouts.created_at, Payouts.id, page), Payout)


# Oldest first, locked in that order (two batches lock alike, so neither waits for the other
# in a cycle); a row that a concurrent batch or cancel changed is read again once it commits,
# and left out when no longer requested, so a payout goes into one batch at most.
_TAKE_REQUESTED = Statement(
    select(Payouts)
    .where(Payouts.status == PayoutStatus.REQUESTED, Payouts.currency == bindparam("currency"))
    .order_by(Payouts.created_at, Payouts.id)
    .with_for_update()
)


async def take_requested(conn: Connection, currency: str) -> list[Payout]:
    """Every requested payout in ``currency``, oldest first, locked until commit."""
    return await _TAKE_REQUESTED.rows(conn, {"currency": currency}, Payout)


_SEND = Statement(
    update(Payouts)
    .where(Payouts.id == any_(bindparam("ids", type_=ARRAY(String))))
    .values(status=PayoutStatus.IN_TRANSIT, batch_id=bindparam("batch_id"), updated_at=bindparam("at"))
)


async def send_in_batch(conn: Connection, payout_ids: Sequence[str], batch_id: str, at: datetime) -> None:
    """Mark the payouts (locked by :func:`take_requested`) in transit in the batch."""
    await _SEND.execute(conn, {"ids": list(payout_ids), "batch_id": batch_id, "at": at})


_BATCHES_OF_MESSAGES = Statement(
    select(Batches.id).where(Batches.message_id == any_(bindparam("message_ids", type_=ARRAY(String))))
)
# The payouts a bank's answer names, by id or by batch, locked in the order of their ids (two
# imports of answers lock alike); each side of the OR by its own index.
_LOCK_ANSWERED = Statement(
    select(Payouts)
    .where(
        or_(
            Payouts.id == any_(bindparam("ids", type_=ARRAY(String))),
            Payouts.batch_id == any_(bindparam("batch_ids", type_=ARRAY(String))),
        )
    )
    .order_by(Payouts.id)
    .with_for_update()
)


async def lock_answered(
    conn: Connection, payout_ids: Sequence[str], message_ids: Sequence[str]
) -> list[Payout]:
    """The payouts of these ids and those of the batches of these message ids, locked until
    commit in the order of their ids."""
    batch_ids: list[str] = []
    if message_ids:
        found = {"message_ids": list(message_ids)}
        batch_ids = await _BATCHES_OF_MESSAGES.rows(conn, found, lambda **row: str(row["id"]))
    values = {"ids": list(payout_ids), "batch_ids": batch_ids}
    return await _LOCK_ANSWERED.rows(conn, values, Payout)


_SET_MANY = Statement(
    update(Payouts)
    .where(Payouts.id == any_(bindparam("ids", type_=ARRAY(String))))
    .values(status=bindparam("status"), updated_at=bindparam("at"))
    .returning(Payouts)
)


async def set_statuses(
    conn: Connection, payout_ids: Sequence[str], status: PayoutStatus, at: datetime
) -> list[Payout]:
    """Move the payouts (locked by the caller) to ``status`` in one statement."""
    return await _SET_MANY.rows(conn, {"ids": list(payout_ids), "status": str(status), "at": at}, Payout)
