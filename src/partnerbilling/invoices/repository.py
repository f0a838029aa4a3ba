"""Queries of invoices, credit notes and the yearly number series."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import Numeric, String

from partnerbilling.billing.domain import InvoiceDocument
from partnerbilling.db import new_id
from partnerbilling.events.repository import FAN_OUT
from partnerbilling.events.schemas import EventType
from partnerbilling.invoices.domain import ExportedInvoice, Invoice
from partnerbilling.invoices.models import Invoice as Invoices
from partnerbilling.journal import kinds as journaled
from partnerbilling.journal.content import issued_content
from partnerbilling.journal.repository import append as journal
from partnerbilling.jsonio import JSON
from partnerbilling.mail.messages import fit_subject
from partnerbilling.pagination import Batches, KeysetQuery, PageParams, keyset
from partnerbilling.sql import Connection, Statement, column_values, fetch_all, fetch_one
from partnerbilling.states import InvoiceStatus

# The next number of the year's series, the moment the document is dated, the issuer it copies as
# its seller (null if none is configured) and the zone of its calendar dates. The year is the
# issue date's in the issuer's zone (Europe/Zurich without an issuer). The counter row stays
# locked until commit, which serialises numbering without gaps; callers take the number at the
# end of their transaction, right before :data:`_INSERT`, to hold that lock briefly. The
# document is dated once it has its number (after the lock), so that numbers increase with the
# dates.
_TAKE_NUMBER = Statement(
    text(
        """
        WITH z AS (
            SELECT coalesce((SELECT time_zone FROM issuer), 'Europe/Zurich') AS time_zone
        ), n AS (
            INSERT INTO invoice_counters (year, last_number)
            SELECT extract(year FROM clock_timestamp() AT TIME ZONE z.time_zone)::int, 1 FROM z
            ON CONFLICT (year) DO UPDATE SET last_number = invoice_counters.last_number + 1
            RETURNING year, last_number
        )
        SELECT n.year, n.last_number, clock_timestamp() AS at, z.time_zone,
               (SELECT to_jsonb(i) - 'id' - 'updated_at' - 'time_zone' - 'payout_accounts'
                FROM issuer i) AS seller
        FROM n, z
        """
    )
)

# The document, its ``invoice.issued`` event for the payer (with the deliveries) and, unless the
# payer's profile says ``invoice_email: false``, the message that sends it to the payer's billing
# address (its PDF drawn when it is sent), in one statement.
_INSERT = Statement(
    text(
        """
        WITH doc AS (
            INSERT INTO invoices (id, number, kind, credits_invoice_id, payer_id, customer_id,
                                  order_id, currency, lines, subtotal, tax_rate, tax, total,
                                  status, reason, issued_at, paid_at, created_at, seller, buyer,
                                  due_at, payment_reference, issue_date, due_date)
            VALUES (:id, :number, :kind, :credits_invoice_id, :payer_id, :customer_id, :order_id,
                    :currency, :lines, :subtotal, :tax_rate, :tax, :total, :status, :reason,
                    :issued_at, NULL, :issued_at, :seller, :buyer, :due_at, :payment_reference,
                    :issue_date, :due_date)
            RETURNING payer_id
        ), ev AS (
            INSERT INTO events (id, org_id, type, data, created_at)
            SELECT :event_id, doc.payer_id, :event_type, :event_data, :issued_at FROM doc
            RETURNING id, org_id, type
        ), deliveries AS (
        """
        + FAN_OUT.replace(":created_at", ":issued_at")
        + """
        ), mail AS (
            INSERT INTO outbox_mails (id, to_address, subject, body, attach_invoice_id, status,
                                      attempt_count, next_attempt_at, created_at)
            SELECT :mail_id, o.billing_email, :mail_subject, :mail_body, :id, 'pending', 0,
                   :issued_at, :issued_at
            FROM doc JOIN organizations o ON o.id = doc.payer_id
            WHERE o.invoice_email AND :mail_subject IS NOT NULL
            RETURNING id
        )
        SELECT count(*) FROM doc
        """
    ).bindparams(
        bindparam("lines", type_=JSONB),
        bindparam("seller", type_=JSONB),
        bindparam("buyer", type_=JSONB),
        bindparam("event_type", type_=String),
        bindparam("event_data", type_=JSONB),
        bindparam("mail_subject", type_=String),
        bindparam("mail_body", type_=String),
    )
)

# Public for the benchmark's raw reference, which sends the same statements.
TAKE_NUMBER, INSERT = _TAKE_NUMBER, _INSERT


@dataclass(frozen=True, slots=True)
class Numbered:
    """The number a document takes (the ``year``'s ``last_number``), when, from whom (the
    issuer's snapshot, None if none is configured) and the zone of its calendar dates."""

    year: int
    last_number: int
    at: datetime
    time_zone: str
    seller: JSON | None


async def take_number(conn: Connection) -> Numbered:
    """The next number of this year's series, locked until commit (see :data:`_TAKE_NUMBER`)."""
    row = await _TAKE_NUMBER.row(conn, {}, Numbered)
    assert row is not None
    return row


async def insert(
    conn: Connection, document: InvoiceDocument, event_data: JSON, mail: tuple[str, str] | None
) -> None:
    """Insert a numbered invoice or credit note, its ``invoice.issued`` event (``event_data``,
    the payer's view of it) and the ``mail`` ``(subject, body)`` that sends it to the payer
    (None: none; nor when the payer's profile says ``invoice_email: false``)."""
    subject, body = mail if mail is not None else (None, None)
    await _INSERT.execute(
        conn,
        {
            **column_values(document),
            "event_id": new_id("evt"),
            "event_type": EventType.INVOICE_ISSUED,
            "event_data": event_data,
            "mail_id": new_id("mail"),
            "mail_subject": fit_subject(subject) if subject is not None else None,
            "mail_body": body,
        },
    )
    await journal(conn, journaled.DOCUMENT, document.id, issued_content(document))


_GET = Statement(select(Invoices).where(Invoices.id == bindparam("invoice_id")))
_GET_LOCKED = Statement(select(Invoices).where(Invoices.id == bindparam("invoice_id")).with_for_update())


async def get(conn: Connection, invoice_id: str, *, lock: bool = False) -> Invoice | None:
    """An invoice or credit note; ``lock``: locked for update until commit."""
    return await (_GET_LOCKED if lock else _GET).row(conn, {"invoice_id": invoice_id}, Invoice)


async def by_numbers(conn: Connection, numbers: Sequence[str]) -> dict[str, Invoice]:
    """The invoices and credit notes with these numbers (``2026-000042``) that exist, by number,
    locked until commit (in id order, as every lock of several invoices is taken)."""
    stmt = select(Invoices).where(Invoices.number.in_(numbers)).order_by(Invoices.id).with_for_update()
    return {row.number: row for row in await fetch_all(conn, stmt, Invoice)}


async def set_status(
    conn: Connection, invoice_id: str, status: InvoiceStatus, *, paid_at: datetime | None = None
) -> Invoice:
    """Move an invoice to ``status`` (and, if given, record when it was paid); the stored row."""
    values = {"status": status} if paid_at is None else {"status": status, "paid_at": paid_at}
    stmt = update(Invoices).where(Invoices.id == invoice_id).values(**values).returning(Invoices)
    changed = await fetch_one(conn, stmt, Invoice)
    assert changed is not None  # the caller read it, locked
    return changed


def _add_paid(in_full: bool) -> Statement:
    values: dict[str, object] = {
        "amount_paid": Invoices.amount_paid + bindparam("applied", type_=Numeric(14, 2))
    }
    if in_full:
        values |= {"status": InvoiceStatus.PAID, "paid_at": bindparam("paid_in_full_at")}
    return Statement(
        update(Invoices).where(Invoices.id == bindparam("target_id")).values(**values).returning(Invoices)
    )


# Every payment runs one (a bank file thousands): precompiled (partnerbilling.sql).
_ADD_PAID, _ADD_PAID_IN_FULL = _add_paid(False), _add_paid(True)


async def add_paid(conn: Connection, invoice_id: str, applied: Decimal, paid_at: datetime | None) -> Invoice:
    """Add ``applied`` to what the invoice's payments paid; with ``paid_at``, it is paid in full
    (status ``paid``). The stored row."""
    values = {"target_id": invoice_id, "applied": applied, "paid_in_full_at": paid_at}
    changed = await (_ADD_PAID if paid_at is None else _ADD_PAID_IN_FULL).row(conn, values, Invoice)
    assert changed is not None  # the caller read it, locked
    return changed


# Every client polls the payer's page: precompiled (partnerbilling.sql).
_PAYERS_PAGE = KeysetQuery(
    select(Invoices).where(Invoices.payer_id == bindparam("payer_id")), Invoices.created_at, Invoices.id
)


async def list_for_payer(conn: Connection, payer_id: str, page: PageParams) -> list[Invoice]:
    return await _PAYERS_PAGE.rows(conn, {"payer_id": payer_id}, page, Invoice)


async def list_all(
    conn: Connection, page: PageParams, payer_id: str | None, status: InvoiceStatus | None
) -> list[Invoice]:
    """Every invoice and credit note (the platform's list), of one payer and in one status if
    asked, newest first."""
    stmt = select(Invoices)
    if payer_id is not None:
        stmt = stmt.where(Invoices.payer_id == payer_id)
    if status is not None:
        stmt = stmt.where(Invoices.status == status)
    return await fetch_all(conn, keyset(stmt, Invoices.created_at, Invoices.id, page), Invoice)


# The CSV export's batches (SPEC §12): the payer's documents created in [start, end), oldest
# first, after a (created_at, id) key, along the index ix_invoices_payer_created. A document is
# created when it is issued (``created_at`` = ``issued_at``).
_EXPORT_BATCH = Batches(
    select(*(Invoices.__table__.c[name] for name in ExportedInvoice.__dataclass_fields__)).where(
        Invoices.payer_id == bindparam("payer_id")
    ),
    Invoices.created_at,
    Invoices.id,
)


async def export_batch(
    conn: Connection, payer_id: str, end: datetime, after: tuple[datetime, str], limit: int
) -> list[ExportedInvoice]:
    """Up to ``limit`` of the payer's invoices and credit notes created after the key ``after``
    and before ``end``, oldest first."""
    return await _EXPORT_BATCH.rows(conn, {"payer_id": payer_id}, end, after, limit, ExportedInvoice)
