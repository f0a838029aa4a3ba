"""Queries of orders (each read with its cashback entry, if any), and the two statements of a
charge before its invoice: what it is planned from, and the rows it writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Select,
    Table,
    bindparam,
    literal_column,
    select,
    text,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter

from partnerbilling.billing import domain as planned
from partnerbilling.billing.domain import Order
from partnerbilling.billing.routing import ActivePartnership
from partnerbilling.cashback.models import CashbackEntry
from partnerbilling.catalog.domain import Product
from partnerbilling.catalog.models import Product as Products
from partnerbilling.catalog.models import ResellerTier
from partnerbilling.events.domain import NewEvent
from partnerbilling.events.repository import FAN_OUT, NEW_EVENTS, NEW_EVENTS_PARAMS, new_events_values
from partnerbilling.orders.models import Order as Orders
from partnerbilling.organizations.domain import Organization, OrganizationWithTier
from partnerbilling.organizations.models import Organization as Organizations
from partnerbilling.pagination import PageParams
from partnerbilling.partnerships.domain import Partnership
from partnerbilling.partnerships.models import Partnership as Partnerships
from partnerbilling.partnerships.repository import active_terms
from partnerbilling.sql import Connection, Statement, column_values
from partnerbilling.states import OrderKind
from partnerbilling.subscriptions.models import Subscription as Subscriptions


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


_GET = Statement(_with_cashback().where(Orders.id == bindparam("order_id")))


async def get(conn: Connection, order_id: str) -> Order | None:
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


async def list_visible(conn: Connection, org_id: str, page: PageParams) -> list[Order]:
    """Orders of the org as customer, and those charged in partnerships where it is the partner."""
    values: dict[str, object] = {"org_id": org_id, "limit": page.limit + 1}
    if page.after is None:
        return await _VISIBLE_FIRST.rows(conn, values, _order)
    values["after_created_at"], values["after_id"] = page.after
    return await _VISIBLE_AFTER.rows(conn, values, _order)


# --- What a new order is planned from, in one statement ----------------------------------------


@dataclass(frozen=True, slots=True)
class OrderSources:
    """The rows a new order is planned from: the customer, its active partnership, the product
    (None: no such sku) and the partnership's partner with its tier."""

    customer: Organization
    partnership: ActivePartnership | None
    product: Product | None
    partner: OrganizationWithTier | None


_customer = Organizations.__table__.alias("customer")
_partner = Organizations.__table__.alias("partner")
_ACTIVE = select(Partnerships).where(
    Partnerships.customer_id == bindparam("customer_id"), Partnerships.status == "active"
)
_TIER = (
    ResellerTier.default_rate.label("partner_tier_default_rate"),
    ResellerTier.rates.label("partner_tier_rates"),
)


def _sources(lock: bool) -> Statement:
    """One row (none: no such customer) of the customer's, partnership's, product's and
    partner's columns, each prefixed with its name. ``lock``: the partnership is share-locked as
    it is read, so that a concurrent billing-mode change lands wholly before or wholly after
    the charge (one that commits while the charge waits is the mode it reads)."""
    active = (_ACTIVE.with_for_update(read=True) if lock else _ACTIVE).cte("active_partnership")
    parts = (("customer_", _customer.c), ("partnership_", active.c), ("product_", Products.__table__.c))
    return Statement(
        select(
            *(column.label(prefix + column.key) for prefix, columns in parts for column in columns),
            *(column.label("partner_" + column.key) for column in _partner.c),
            *_TIER,
        )
        .select_from(_customer)
        .outerjoin(active, true())
        .outerjoin(Products, Products.sku == bindparam("sku"))
        .outerjoin(_partner, _partner.c.id == active.c.partner_id)
        .outerjoin(ResellerTier, ResellerTier.code == _partner.c.reseller_tier)
        .where(_customer.c.id == bindparam("customer_id"))
    )


# Every order (locked) and quote runs one: precompiled (partnerbilling.sql).
_SOURCES_LOCKED, _SOURCES = _sources(True), _sources(False)


def _part(row: dict[str, Any], prefix: str, into: type[Any]) -> Any:
    """The object of the row's ``prefix`` columns, or None if its first (its key) is null."""
    names = _FIELDS[into]
    if row[prefix + names[0]] is None:
        return None
    return into(**{name: row[prefix + name] for name in names})


_FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls))
    for cls in (Organization, Partnership, Product, OrganizationWithTier)
}


def sources_of(**row: Any) -> OrderSources:
    """A row of :func:`_sources` as the objects it holds."""
    partnership: Partnership | None = _part(row, "partnership_", Partnership)
    return OrderSources(
        _part(row, "customer_", Organization),
        active_terms(partnership),
        _part(row, "product_", Product),
        _part(row, "partner_", OrganizationWithTier),
    )


async def load_sources(conn: Connection, customer_id: str, sku: str, *, lock: bool) -> OrderSources | None:
    """What an order of ``sku`` for ``customer_id`` is planned from (None: no such customer);
    ``lock``: its partnership stays share-locked until commit."""
    stmt = _SOURCES_LOCKED if lock else _SOURCES
    return await stmt.row(conn, {"customer_id": customer_id, "sku": sku}, sources_of)


# Public for the benchmark's raw reference, which sends the same statement (an order's).
SOURCES = _SOURCES_LOCKED


# --- The rows of a charge, in one statement ----------------------------------------------------


def _inserting(name: str, model: type[Any], planned_as: type[Any]) -> tuple[str, list[BindParameter[Any]]]:
    """``name AS (INSERT INTO table ...)`` of a planned object's columns (those of the model's
    table that it has), each value the parameter ``name_column``, typed as its column."""
    table = cast(Table, model.__table__)
    keys = [f.name for f in fields(planned_as) if f.name in table.c]
    sql = (
        f"{name} AS (INSERT INTO {table.name} ({', '.join(keys)}) "
        f"VALUES ({', '.join(f':{name}_{key}' for key in keys)}))"
    )
    return sql, [bindparam(f"{name}_{key}", type_=table.c[key].type) for key in keys]


def _add_charge(with_subscription: bool, with_cashback: bool) -> Statement:
    """The rows of a charge, one statement: its new subscription (a new order's), its order,
    its partner's cashback entry (if the charge earns one), its events and their webhook
    deliveries. The foreign keys among them are checked at the end of the statement."""
    parts = [_inserting("new_order", Orders, planned.Order)]
    if with_subscription:
        parts.insert(0, _inserting("new_subscription", Subscriptions, planned.Subscription))
    if with_cashback:
        parts.append(_inserting("new_cashback", CashbackEntry, planned.CashbackEntry))
    ctes = ",\n".join(sql for sql, _ in parts)
    binds = [bind for _, params in parts for bind in params]
    return Statement(text(f"WITH {ctes},{NEW_EVENTS}{FAN_OUT}").bindparams(*binds, *NEW_EVENTS_PARAMS))


# Every charge runs one: precompiled (partnerbilling.sql), by (new subscription, cashback).
_ADD_CHARGE = {(sub, cb): _add_charge(sub, cb) for sub in (True, False) for cb in (True, False)}
# Public for the benchmark's raw reference, which sends the same statements.
ADD_CHARGE = _ADD_CHARGE


def charge_values(
    subscription: planned.Subscription | None,
    order: Order,
    cashback: planned.CashbackEntry | None,
    events: Sequence[NewEvent],
    at: datetime,
) -> dict[str, object]:
    """The parameters of :data:`ADD_CHARGE`'s statements (each event given a new id)."""
    values = new_events_values(events, at)
    for name, row in (("new_subscription", subscription), ("new_order", order), ("new_cashback", cashback)):
        if row is not None:
            values.update({f"{name}_{key}": value for key, value in column_values(row).items()})
    return values


async def add_charge(
    conn: Connection,
    subscription: planned.Subscription | None,
    order: Order,
    cashback: planned.CashbackEntry | None,
    events: Sequence[NewEvent],
    at: datetime,
) -> None:
    """Insert a planned charge's rows but its invoice, and its events (at ``at``) with their
    deliveries, in one statement."""
    stmt = _ADD_CHARGE[subscription is not None, cashback is not None]
    await stmt.execute(conn, charge_values(subscription, order, cashback, events, at))
