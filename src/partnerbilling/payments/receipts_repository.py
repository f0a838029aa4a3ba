"""Queries of unapplied receipts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert

from partnerbilling.journal import kinds as journaled
from partnerbilling.journal.repository import append as journal
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.payments.domain import Receipt
from partnerbilling.payments.models import Receipt as Receipts
from partnerbilling.sql import Connection, Statement, column_values, fetch_all, fetch_one
from partnerbilling.states import ReceiptStatus

_ADD = Statement(insert(Receipts).values({c.key: bindparam(c.key) for c in Receipts.__table__.columns}))
_GET = Statement(select(Receipts).where(Receipts.id == bindparam("id")))
_GET_LOCKED = Statement(select(Receipts).where(Receipts.id == bindparam("id")).with_for_update())


async def add(conn: Connection, receipt: Receipt) -> None:
    await _ADD.execute(conn, column_values(receipt))
    await journal(conn, journaled.RECEIPT, receipt.id)


async def get(conn: Connection, receipt_id: str, *, lock: bool = False) -> Receipt | None:
    """The receipt; ``lock``: its row locked until commit (an apply or return waits for another)."""
    return await (_GET_LOCKED if lock else _GET).row(conn, {"id": receipt_id}, Receipt)


async def list_receipts(conn: Connection, status: ReceiptStatus | None, page: PageParams) -> list[Receipt]:
    """Receipts, newest first, optionally of one status."""
    stmt = select(Receipts)
    if status is not None:
        stmt = stmt.where(Receipts.status == status)
    return await fetch_all(conn, keyset(stmt, Receipts.created_at, Receipts.id, page), Receipt)


async def close(
    conn: Connection,
    receipt_id: str,
    status: ReceiptStatus,
    at: datetime,
    *,
    invoice_id: str | None = None,
    org_id: str | None = None,
    payment_id: str | None = None,
    entry_id: str | None = None,
    return_reason: str | None = None,
) -> Receipt:
    """Move an open receipt (read locked by the caller) to applied or returned."""
    stmt = (
        update(Receipts)
        .where(Receipts.id == receipt_id, Receipts.status == ReceiptStatus.OPEN)
        .values(
            status=status,
            invoice_id=invoice_id,
            org_id=org_id,
            payment_id=payment_id,
            entry_id=entry_id,
            return_reason=return_reason,
            updated_at=at,
        )
        .returning(Receipts)
    )
    closed = await fetch_one(conn, stmt, Receipt)
    assert closed is not None  # the caller read it open, locked
    await journal(conn, journaled.RECEIPT_STATES[status], receipt_id)  # the state change's record
    return closed
