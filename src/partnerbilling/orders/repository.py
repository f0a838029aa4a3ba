"""Queries of orders (each read with its cashback entry, if any)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Select, bindparam, insert, literal_column, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.billing.domain import Order
from partnerbilling.cashback.models import CashbackEntry
from partnerbilling.orders.models import Order as Orders
from partnerbilling.pagination import PageParams
from partnerbilling.sql import Statement, column_values
from partnerbilling.states import OrderKind


def _with_cashback() -> Select[Orders, Decimal, Decimal, str]:
    return select(
        Orders,
        CashbackEntry.rate.label("cashback_rate"),
        CashbackEntry.amount.label("cashback_amount"),
        CashbackEntry.status.label("cashback_status"),
    ).outerjoin(CashbackEntry, CashbackEntry.order_id == Orders.id)


def _order(**columns: Any) -> Order:
    """A row of :func:`_with_cashback` as its order (its kind as the enum)."""
    return Order(**{**columns, "kind": OrderKind(columns["kind"])})


# Every charge runs it: precompiled (partnerbilling.sql).
_ADD = Statement(insert(Orders), column_keys=[c.key for c in Orders.__table__.columns])


async def add(conn: AsyncConnection, order: Order) -> None:
    """Insert a planned order (its ``cashback_*`` fields are its entry's, not columns)."""
    await _ADD.execute(conn, column_values(order))


_GET = Statement(_with_cashback().where(Orders.id == bindparam("order_id")))


async def get(conn: AsyncConnection, order_id: str) -> Order | None:
    return await _GET.row(conn, {"order_id": order_id}, _order)


def _visible_page(after_cursor: bool) -> Statement:
    """Orders of ``:org_id`` as customer, and those charged in partnerships where it is the
    partner: two index-ordered scans merged, so that the page costs the same at any table size;
    ``after_cursor``: those older than ``(:after_created_at, :after_id)``."""
    limit = bindparam("limit", type_=Integer)
    org_id = bindparam("org_id", type_=Orders.customer_id.type)
    older = tuple_(Orders.created_at, Orders.id) < tuple_(
        bindparam("after_created_at", type_=Orders.created_at.type),
        bindparam("after_id", type_=Orders.id.type),
    )
    sides = []
    for where in (
        (Orders.customer_id == org_id,),
        (Orders.partner_id == org_id, Orders.partnership_id.is_not(None)),
    ):
        side = _with_cashback().where(*where, *((older,) if after_cursor else ()))
        sides.append(side.order_by(Orders.created_at.desc(), Orders.id.desc()).limit(limit))
    merged = union_all(*sides).subquery()
    newest_first = select(merged).order_by(literal_column("created_at").desc(), literal_column("id").desc())
    return Statement(newest_first.limit(limit))


# A list page: precompiled (partnerbilling.sql).
_VISIBLE_FIRST, _VISIBLE_AFTER = _visible_page(False), _visible_page(True)


async def list_visible(conn: AsyncConnection, org_id: str, page: PageParams) -> list[Order]:
    """Orders of the org as customer, and those charged in partnerships where it is the partner."""
    values: dict[str, object] = {"org_id": org_id, "limit": page.limit + 1}
    if page.after is None:
        return await _VISIBLE_FIRST.rows(conn, values, _order)
    values["after_created_at"], values["after_id"] = page.after
    return await _VISIBLE_AFTER.rows(conn, values, _order)
