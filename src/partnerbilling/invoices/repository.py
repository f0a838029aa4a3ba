"""Queries of invoices, credit notes and the yearly number series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import String

from partnerbilling.billing.domain import InvoiceDocument
from partnerbilling.db import new_id
from partnerbilling.events.repository import FAN_OUT
from partnerbilling.events.schemas import EventType
from partnerbilling.invoices.domain import Invoice
from partnerbilling.invoices.models import Invoice as Invoices
from partnerbilling.jsonio import JSON
from partnerbilling.pagination import KeysetQuery, PageParams
from partnerbilling.sql import Statement, column_values, fetch_one
from partnerbilling.states import InvoiceStatus

# Takes the next number of the year's series, inserts the document and records its
# ``invoice.issued`` event for the payer (with the deliveries), in one statement. The counter row
# stays locked until commit, which serialises numbering without gaps; callers run this as the
# last statement of their transaction to hold that lock briefly. The document is dated when it
# has its number (after the lock), so that numbers increase with the dates; the event's payload
# (``:event_data``, the payer's view of the document) gets the number and that date here.
_ISSUE = Statement(
    text(
        r"""
        WITH n AS (
            INSERT INTO invoice_counters (year, last_number) VALUES (:year, 1)
            ON CONFLICT (year) DO UPDATE SET last_number = invoice_counters.last_number + 1
            RETURNING last_number
        ), t AS (
            SELECT n.last_number, clock_timestamp() AS at FROM n
        ), doc AS (
            INSERT INTO invoices (id, number, kind, credits_invoice_id, payer_id, customer_id,
                                  order_id, currency, lines, subtotal, tax_rate, tax, total,
                                  status, reason, issued_at, paid_at, created_at)
            SELECT :id,
                   :year || '-' || CASE WHEN t.last_number < 1000000
                                        THEN lpad(t.last_number::text, 6, '0')
                                        ELSE t.last_number::text END,
                   :kind, :credits_invoice_id, :payer_id, :customer_id, :order_id, :currency,
                   :lines, :subtotal, :tax_rate, :tax, :total, :status, :reason, t.at, NULL, t.at
            FROM t
            RETURNING payer_id, number, issued_at
        ), ev AS (
            INSERT INTO events (id, org_id, type, data, created_at)
            SELECT :event_id, doc.payer_id, :event_type,
                   :event_data || jsonb_build_object(
                       'number', doc.number,
                       'issued_at', to_char(doc.issued_at AT TIME ZONE 'UTC',
                                            'YYYY-MM-DD"T"HH24\:MI\:SS.US"Z"')),
                   :created_at
            FROM doc
            RETURNING id, org_id, type
        ), deliveries AS (
        """
        + FAN_OUT
        + """
        )
        SELECT number, issued_at FROM doc
        """
    ).bindparams(
        bindparam("lines", type_=JSONB),
        bindparam("event_type", type_=String),
        bindparam("event_data", type_=JSONB),
    )
)

# Public for the benchmark's raw reference, which sends the same statement.
ISSUE = _ISSUE


@dataclass(frozen=True, slots=True)
class Numbered:
    """The number and time an issued document took."""

    number: str
    issued_at: datetime


async def issue(conn: AsyncConnection, invoice: InvoiceDocument, event_data: JSON) -> tuple[str, datetime]:
    """Insert an invoice or credit note with the next number of its year (that of its
    ``issued_at``, also the event's time) and its ``invoice.issued`` event (``event_data``
    without the number and date, which the statement fills in). Returns the number and the time
    it was issued."""
    row = await _ISSUE.row(
        conn,
        {
            **column_values(invoice),
            "year": invoice.issued_at.year,
            "event_id": new_id("evt"),
            "event_type": EventType.INVOICE_ISSUED,
            "event_data": event_data,
            "created_at": invoice.issued_at,
        },
        Numbered,
    )
    assert row is not None
    return row.number, row.issued_at


_GET = Statement(select(Invoices).where(Invoices.id == bindparam("invoice_id")))
_GET_LOCKED = Statement(select(Invoices).where(Invoices.id == bindparam("invoice_id")).with_for_update())


async def get(conn: AsyncConnection, invoice_id: str, *, lock: bool = False) -> Invoice | None:
    """An invoice or credit note; ``lock``: locked for update until commit."""
    return await (_GET_LOCKED if lock else _GET).row(conn, {"invoice_id": invoice_id}, Invoice)


async def set_status(
    conn: AsyncConnection, invoice_id: str, status: InvoiceStatus, *, paid_at: datetime | None = None
) -> Invoice:
    """Move an invoice to ``status`` (and, if given, record when it was paid); the stored row."""
    values = {"status": status} if paid_at is None else {"status": status, "paid_at": paid_at}
    stmt = update(Invoices).where(Invoices.id == invoice_id).values(**values).returning(Invoices)
    changed = await fetch_one(conn, stmt, Invoice)
    assert changed is not None  # the caller read it, locked
    return changed


# Every client polls the payer's page: precompiled (partnerbilling.sql).
_PAYERS_PAGE = KeysetQuery(
    select(Invoices).where(Invoices.payer_id == bindparam("payer_id")), Invoices.created_at, Invoices.id
)


async def list_for_payer(conn: AsyncConnection, payer_id: str, page: PageParams) -> list[Invoice]:
    return await _PAYERS_PAGE.rows(conn, {"payer_id": payer_id}, page, Invoice)
