"""Queries of payments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert

from partnerbilling.journal import kinds as journaled
from partnerbilling.journal.repository import append as journal
from partnerbilling.payments.domain import Payment
from partnerbilling.payments.models import Payment as Payments
from partnerbilling.sql import Connection, Statement, column_values, fetch_all

# A payment with an external id already recorded is left alone (no row returned): the same
# bank entry or card charge is one payment, also when two requests bring it at once (the
# second waits for the first's commit, then finds it).
_ADD = Statement(
    insert(Payments)
    .values({c.key: bindparam(c.key) for c in Payments.__table__.columns})
    .on_conflict_do_nothing(index_elements=[Payments.external_id])
    .returning(Payments.id)
)

_BY_EXTERNAL_ID = Statement(select(Payments).where(Payments.external_id == bindparam("external_id")))

_OF_INVOICE = Statement(
    select(Payments)
    .where(Payments.invoice_id == bindparam("invoice_id"))
    .order_by(Payments.received_at, Payments.created_at, Payments.id)
)


async def add(conn: Connection, payment: Payment) -> bool:
    """Insert the payment; False (nothing written) if its external id is recorded already."""
    added = await _ADD.value(conn, column_values(payment)) is not None
    if added:
        await journal(conn, journaled.PAYMENT, payment.id)
    return added


async def by_external_id(conn: Connection, external_id: str) -> Payment | None:
    return await _BY_EXTERNAL_ID.row(conn, {"external_id": external_id}, Payment)


async def by_external_ids(conn: Connection, external_ids: Sequence[str]) -> dict[str, Payment]:
    """The payments recorded with these external ids, by external id."""
    stmt = select(Payments).where(Payments.external_id.in_(external_ids))
    return {p.external_id: p for p in await fetch_all(conn, stmt, Payment) if p.external_id is not None}


async def of_invoice(conn: Connection, invoice_id: str) -> list[Payment]:
    """An invoice's payments, in the order they were received."""
    return await _OF_INVOICE.rows(conn, {"invoice_id": invoice_id}, Payment)
