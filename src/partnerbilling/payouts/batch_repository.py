"""Queries of payout batches."""

from __future__ import annotations

from sqlalchemy import bindparam, func, insert, select

from partnerbilling.pagination import KeysetQuery, PageParams
from partnerbilling.payouts.domain import BatchSummary, PayoutBatch
from partnerbilling.payouts.models import Payout as Payouts
from partnerbilling.payouts.models import PayoutBatch as Batches
from partnerbilling.sql import Connection, Statement, column_values
from partnerbilling.states import PayoutStatus

_ADD = Statement(insert(Batches), column_keys=[c.key for c in Batches.__table__.columns])


async def add(conn: Connection, batch: PayoutBatch) -> None:
    await _ADD.execute(conn, column_values(batch))


def _counted(status: PayoutStatus) -> object:
    return (
        select(func.count())
        .where(Payouts.batch_id == Batches.id, Payouts.status == status)
        .scalar_subquery()
        .label(str(status))
    )


# A batch without its file, and how far its payouts are (one index scan of the batch's payouts
# per state).
_SUMMARY = select(
    *(column for column in Batches.__table__.columns if column.key != "document"),
    *(_counted(s) for s in (PayoutStatus.IN_TRANSIT, PayoutStatus.COMPLETED, PayoutStatus.FAILED)),
)
_GET = Statement(_SUMMARY.where(Batches.id == bindparam("batch_id")))
_BY_MESSAGE = Statement(_SUMMARY.where(Batches.message_id == bindparam("message_id")))
_DOCUMENT = Statement(select(Batches.document).where(Batches.id == bindparam("batch_id")))
_PAGE = KeysetQuery(_SUMMARY, Batches.created_at, Batches.id)


async def get(conn: Connection, batch_id: str) -> BatchSummary | None:
    return await _GET.row(conn, {"batch_id": batch_id}, BatchSummary)


async def by_message_id(conn: Connection, message_id: str) -> BatchSummary | None:
    """The batch whose file has this ``MsgId`` (a bank's answer names it)."""
    return await _BY_MESSAGE.row(conn, {"message_id": message_id}, BatchSummary)


async def document(conn: Connection, batch_id: str) -> bytes | None:
    """The batch's file as it was written, or None when there is no such batch."""
    found = await _DOCUMENT.value(conn, {"batch_id": batch_id})
    return bytes(found) if found is not None else None


async def list_page(conn: Connection, page: PageParams) -> list[BatchSummary]:
    """The batches, newest first."""
    return await _PAGE.rows(conn, {}, page, BatchSummary)
