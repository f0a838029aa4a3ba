"""Queries of the monthly close: the payers with unbilled charges, their charges (locked), and
their marking as billed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, tuple_, update

from partnerbilling.billing.domain import Order
from partnerbilling.cashback.models import CashbackEntry
from partnerbilling.catalog.models import Product as Products
from partnerbilling.invoicing.domain import UnbilledCharge
from partnerbilling.orders.models import Order as Orders
from partnerbilling.organizations.models import Organization as Organizations
from partnerbilling.sql import Connection, execute, fetch_all, fetch_value
from partnerbilling.states import OrderKind

UNBILLED = "unbilled"


def _order(**columns: Any) -> Order:
    return Order(**{**columns, "kind": OrderKind(columns["kind"])})


def _unbilled_before(before: datetime) -> Any:
    return (Orders.billing_status == UNBILLED) & (Orders.created_at < before)


async def count_payers(conn: Connection, before: datetime) -> int:
    """How many (payer, currency) a close before ``before`` invoices."""
    pairs = select(Orders.payer_id, Orders.currency).where(_unbilled_before(before)).distinct().subquery()
    return int(await fetch_value(conn, select(func.count()).select_from(pairs)))


async def payers(
    conn: Connection, before: datetime, after: tuple[str, str] | None, limit: int
) -> list[tuple[str, str]]:
    """The next ``limit`` (payer, currency) with charges unbilled before ``before``, in order."""
    stmt = select(Orders.payer_id, Orders.currency).where(_unbilled_before(before))
    if after is not None:
        stmt = stmt.where(tuple_(Orders.payer_id, Orders.currency) > tuple_(*after))
    stmt = stmt.distinct().order_by(Orders.payer_id, Orders.currency).limit(limit)
    return await fetch_all(conn, stmt, lambda payer_id, currency: (payer_id, currency))


async def lock_unbilled(
    conn: Connection, payer_id: str, currency: str, before: datetime
) -> list[UnbilledCharge]:
    """The payer's charges in ``currency`` unbilled before ``before``, locked until commit (a
    close that waited for another's finds them billed and bills nothing)."""
    customer = Organizations.__table__.alias("customer")
    stmt = (
        select(
            Orders,
            CashbackEntry.rate.label("cashback_rate"),
            CashbackEntry.amount.label("cashback_amount"),
            CashbackEntry.status.label("cashback_status"),
            Products.name.label("product_name"),
            customer.c.name.label("customer_name"),
        )
        .outerjoin(CashbackEntry, CashbackEntry.order_id == Orders.id)
        .join(Products, Products.sku == Orders.sku)
        .join(customer, customer.c.id == Orders.customer_id)
        .where(Orders.payer_id == payer_id, Orders.currency == currency, _unbilled_before(before))
        .order_by(Orders.created_at, Orders.id)
        .with_for_update(of=Orders)
    )
    return await fetch_all(conn, stmt, _charge)


def _charge(product_name: str, customer_name: str, **columns: Any) -> UnbilledCharge:
    return UnbilledCharge(_order(**columns), product_name, customer_name)


async def mark_billed(conn: Connection, order_ids: Sequence[str], invoice_id: str) -> None:
    await execute(
        conn,
        update(Orders)
        .where(Orders.id.in_(order_ids), Orders.billing_status == UNBILLED)
        .values(billing_status="billed", invoice_id=invoice_id),
    )


async def list_unbilled(conn: Connection, payer_id: str) -> list[Order]:
    """The payer's unbilled charges, oldest first."""
    stmt = (
        select(
            Orders,
            CashbackEntry.rate.label("cashback_rate"),
            CashbackEntry.amount.label("cashback_amount"),
            CashbackEntry.status.label("cashback_status"),
        )
        .outerjoin(CashbackEntry, CashbackEntry.order_id == Orders.id)
        .where(Orders.payer_id == payer_id, Orders.billing_status == UNBILLED)
        .order_by(Orders.created_at, Orders.id)
    )
    return await fetch_all(conn, stmt, _order)
