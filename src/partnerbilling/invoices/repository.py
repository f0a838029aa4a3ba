"""Queries of invoices, credit notes and the yearly number series."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.invoices.models import Invoice
from partnerbilling.pagination import PageParams, keyset

# Takes the next number of the year's series and inserts the document, in one statement. The
# counter row stays locked until commit, which serialises numbering without gaps; callers run
# this as late as possible in their transaction to hold that lock briefly. The document is
# dated when it has its number (after the lock), so that numbers increase with the dates.
_ISSUE = text(
    """
    WITH n AS (
        INSERT INTO invoice_counters (year, last_number) VALUES (:year, 1)
        ON CONFLICT (year) DO UPDATE SET last_number = invoice_counters.last_number + 1
        RETURNING last_number
    ), t AS (
        SELECT n.last_number, clock_timestamp() AS at FROM n
    )
    INSERT INTO invoices (id, number, kind, credits_invoice_id, payer_id, customer_id, order_id,
                          currency, lines, subtotal, tax_rate, tax, total, status, reason,
                          issued_at, paid_at, created_at)
    SELECT :id,
           :year || '-' || CASE WHEN t.last_number < 1000000
                                THEN lpad(t.last_number::text, 6, '0')
                                ELSE t.last_number::text END,
           :kind, :credits_invoice_id, :payer_id, :customer_id, :order_id, :currency, :lines,
           :subtotal, :tax_rate, :tax, :total, :status, :reason, t.at, NULL, t.at
    FROM t
    RETURNING number, issued_at
    """
).bindparams(bindparam("lines", type_=JSONB))


async def issue(conn: AsyncConnection, values: dict[str, Any]) -> tuple[str, datetime]:
    """Insert an invoice or credit note with the next number of its year (that of
    ``values["issued_at"]``); returns the number and the time it was issued."""
    row = (await conn.execute(_ISSUE, {**values, "year": values["issued_at"].year})).one()
    return str(row.number), row.issued_at


async def get(conn: AsyncConnection, invoice_id: str, *, lock: bool = False) -> Row[Any] | None:
    stmt = select(Invoice).where(Invoice.id == invoice_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await conn.execute(stmt)).first()


async def change(conn: AsyncConnection, invoice_id: str, values: dict[str, Any]) -> Row[Any]:
    stmt = update(Invoice).where(Invoice.id == invoice_id).values(**values).returning(Invoice)
    return (await conn.execute(stmt)).one()


async def list_for_payer(conn: AsyncConnection, payer_id: str, page: PageParams) -> list[Row[Any]]:
    stmt = select(Invoice).where(Invoice.payer_id == payer_id)
    return list(await conn.execute(keyset(stmt, Invoice.created_at, Invoice.id, page)))
