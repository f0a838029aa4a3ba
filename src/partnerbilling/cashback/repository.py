"""Queries of cashback entries and balances."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, bindparam, case, func, or_, select, update

from partnerbilling.cashback.domain import CashbackBalance, CashbackEntry, ExportedCashbackEntry
from partnerbilling.cashback.models import CashbackEntry as CashbackEntries
from partnerbilling.invoices.models import Invoice as Invoices
from partnerbilling.orders.models import Order as Orders
from partnerbilling.organizations.models import Organization as Organizations
from partnerbilling.pagination import Batches, KeysetQuery, PageParams
from partnerbilling.sql import Connection, Statement
from partnerbilling.states import CASHBACK, CashbackStatus, InvoiceKind, sources_of


def _move_to(to_status: CashbackStatus) -> Statement:
    return Statement(
        update(CashbackEntries)
        .where(
            CashbackEntries.order_id == bindparam("target_order_id"),
            # Not an IN list: its values would be rendered as parameters of their own.
            or_(*(CashbackEntries.status == source for source in sources_of(CASHBACK, to_status))),
        )
        .values(status=to_status, updated_at=bindparam("moved_at"))
        .returning(CashbackEntries)
    )


# Every payment that completes an invoice, and every credit note, runs one: precompiled.
_MOVE_TO = {status: _move_to(status) for status in CashbackStatus if sources_of(CASHBACK, status)}


async def move_to(
    conn: Connection, order_id: str, to_status: CashbackStatus, at: datetime
) -> CashbackEntry | None:
    """Move the order's entry to ``to_status`` if its lifecycle allows it from where it is (else
    leave it, and return None)."""
    return await _MOVE_TO[to_status].row(conn, {"target_order_id": order_id, "moved_at": at}, CashbackEntry)


def _move_of_invoice(to_status: CashbackStatus) -> Statement:
    of_invoice = select(Orders.id).where(Orders.invoice_id == bindparam("target_invoice_id"))
    return Statement(
        update(CashbackEntries)
        .where(
            CashbackEntries.order_id.in_(of_invoice.scalar_subquery()),
            or_(*(CashbackEntries.status == source for source in sources_of(CASHBACK, to_status))),
        )
        .values(status=to_status, updated_at=bindparam("moved_at"))
        .returning(CashbackEntries)
    )


_MOVE_OF_INVOICE = {
    status: _move_of_invoice(status) for status in CashbackStatus if sources_of(CASHBACK, status)
}


async def move_of_invoice(
    conn: Connection, invoice_id: str, to_status: CashbackStatus, at: datetime
) -> list[CashbackEntry]:
    """Move the entries of every order the invoice bills (one, or a monthly invoice's many) to
    ``to_status`` where their lifecycle allows it; the entries moved, by order id."""
    moved = await _MOVE_OF_INVOICE[to_status].rows(
        conn, {"target_invoice_id": invoice_id, "moved_at": at}, CashbackEntry
    )
    return sorted(moved, key=lambda entry: entry.order_id)


# A list page: precompiled (partnerbilling.sql).
_PARTNERS_PAGE = KeysetQuery(
    select(CashbackEntries).where(CashbackEntries.partner_id == bindparam("partner_id")),
    CashbackEntries.created_at,
    CashbackEntries.id,
)


async def list_for_partner(conn: Connection, partner_id: str, page: PageParams) -> list[CashbackEntry]:
    return await _PARTNERS_PAGE.rows(conn, {"partner_id": partner_id}, page, CashbackEntry)


def _total(status: CashbackStatus) -> ColumnElement[Decimal]:
    return func.coalesce(
        func.sum(case((CashbackEntries.status == status, CashbackEntries.amount), else_=0)), 0
    )


_BALANCES = Statement(
    select(
        CashbackEntries.currency,
        _total(CashbackStatus.PENDING).label("pending"),
        _total(CashbackStatus.AVAILABLE).label("available"),
    )
    .where(CashbackEntries.partner_id == bindparam("partner_id"))
    .group_by(CashbackEntries.currency)
    .order_by(CashbackEntries.currency)
)


async def balances(conn: Connection, partner_id: str) -> list[CashbackBalance]:
    """Per currency: the sum of pending and of available entries."""
    return await _BALANCES.rows(conn, {"partner_id": partner_id}, CashbackBalance)


# The CSV export's batches (SPEC §12): the partner's entries created in [start, end), oldest
# first, after a (created_at, id) key, with the customer's name and the number and payer of the
# order's invoice (whether the partner may see that number is the view's to decide).
_EXPORT_BATCH = Batches(
    select(
        CashbackEntries.id,
        CashbackEntries.partner_id,
        CashbackEntries.customer_id,
        Organizations.name.label("customer_name"),
        CashbackEntries.order_id,
        CashbackEntries.currency,
        CashbackEntries.rate,
        CashbackEntries.amount,
        CashbackEntries.status,
        CashbackEntries.created_at,
        Invoices.number.label("invoice_number"),
        Invoices.payer_id.label("invoice_payer_id"),
    )
    .join(Organizations, Organizations.id == CashbackEntries.customer_id)
    .outerjoin(
        Invoices, (Invoices.order_id == CashbackEntries.order_id) & (Invoices.kind == InvoiceKind.INVOICE)
    )
    .where(CashbackEntries.partner_id == bindparam("partner_id")),
    CashbackEntries.created_at,
    CashbackEntries.id,
)


async def export_batch(
    conn: Connection, partner_id: str, end: datetime, after: tuple[datetime, str], limit: int
) -> list[ExportedCashbackEntry]:
    """Up to ``limit`` of the partner's entries created after the key ``after`` and before
    ``end``, oldest first."""
    return await _EXPORT_BATCH.rows(
        conn, {"partner_id": partner_id}, end, after, limit, ExportedCashbackEntry
    )
