# ruff: noqa: E501
"""The raw reference: the benchmark's two operations written as directly as FastAPI and asyncpg
allow, issuing the same SQL statements as the service, in the same order, in one transaction.

* ``POST /v1/orders``: BEGIN; the API-key lookup; the customer; its active partnership FOR SHARE;
  the product; the partner with its tier (when there is a partnership); INSERT subscription;
  INSERT order; INSERT cashback entry (when the SPEC gives one); the events + webhook-deliveries
  statement; the invoice number (with the issuer); the invoice + its event statement; COMMIT.
* ``GET /v1/invoices``: BEGIN; the API-key lookup; the keyset page; COMMIT.

The statement texts are those the service sends (as SQLAlchemy compiles them; see
``python bench/run.py --trace-sql``), so PostgreSQL parses, plans and executes the same work.
The charge itself is planned by the service's own pure planner
(:func:`partnerbilling.billing.charge.plan_order`: routing, pricing, the rows, the events and
their JSON views): that is the work any implementation must do, and sharing it keeps the
reference's rows valid for ``partnerbilling check``. What the reference leaves out is everything between the socket and
asyncpg: the SQLAlchemy Core layer, the route class and its dependencies, the operations
middleware (request ids, metrics, body limit) and the problem+json handlers.

Served as deployed: ``uvicorn raw_reference:create_app --factory --app-dir bench --workers 2``,
with ``PARTNERBILLING_DATABASE_URL`` and ``PARTNERBILLING_DB_POOL_SIZE`` as for the service.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import fields
from datetime import datetime
from functools import cache
from typing import Annotated, Any

import asyncpg
import orjson
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, insert, select

from partnerbilling.billing.charge import ChargePlan, NoPriceInCurrency, plan_order
from partnerbilling.billing.domain import (
    CashbackEntry,
    InvoiceDocument,
    Order,
    Organization,
    Product,
    Subscription,
    event_rows,
)
from partnerbilling.billing.issue import numbered
from partnerbilling.billing.routing import (
    Access,
    ActivePartnership,
    BillingMode,
    ChargeRefused,
    initiating_channel,
)
from partnerbilling.cashback.models import CashbackEntry as CashbackEntries
from partnerbilling.catalog.domain import Product as StoredProduct
from partnerbilling.catalog.domain import product_of
from partnerbilling.catalog.models import Product as Products
from partnerbilling.catalog.models import ResellerTier
from partnerbilling.db import new_id, utcnow
from partnerbilling.events import repository as event_repository
from partnerbilling.events.schemas import EventType
from partnerbilling.invoices import repository as invoice_repository
from partnerbilling.invoices.domain import Invoice
from partnerbilling.invoices.models import Invoice as Invoices
from partnerbilling.orders.models import Order as Orders
from partnerbilling.organizations.domain import Organization as StoredOrganization
from partnerbilling.organizations.domain import OrganizationWithTier, organization_of
from partnerbilling.organizations.models import Organization as Organizations
from partnerbilling.pagination import KeysetQuery, decode_cursor, encode_cursor
from partnerbilling.partnerships.models import Partnership as Partnerships
from partnerbilling.sql import Statement, column_values
from partnerbilling.subscriptions.models import Subscription as Subscriptions
from partnerbilling.visibility import invoice_view, order_view

AUTH = "SELECT org_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"

# The statements, built from the service's tables as its repositories build them (so that a new
# column reaches the reference by itself) and compiled once, at import, by the service's own
# compiler; ``bench/trace_sql.py`` checks on every run that the two send the same sequence.
ORG = Statement(select(Organizations).where(Organizations.id == bindparam("org_id"))).sql

PARTNERSHIP_FOR_SHARE = Statement(
    select(Partnerships)
    .where(Partnerships.customer_id == bindparam("customer_id"), Partnerships.status == "active")
    .with_for_update(read=True)
).sql

PRODUCT = Statement(select(Products).where(Products.sku == bindparam("sku"))).sql

ORG_WITH_TIER = Statement(
    select(
        Organizations,
        ResellerTier.default_rate.label("tier_default_rate"),
        ResellerTier.rates.label("tier_rates"),
    )
    .outerjoin(ResellerTier, ResellerTier.code == Organizations.reseller_tier)
    .where(Organizations.id == bindparam("org_id"))
).sql


def _insert_sql(table: Any, planned: type) -> str:
    """An INSERT of the table's columns that the planned object has (a new subscription has no
    renewal lease; an order's cashback columns are its entry's)."""
    names = {f.name for f in fields(planned)}
    return Statement(
        insert(table), column_keys=[c.key for c in table.__table__.columns if c.key in names]
    ).sql


INSERT_SUBSCRIPTION = _insert_sql(Subscriptions, Subscription)
INSERT_ORDER = _insert_sql(Orders, Order)
INSERT_CASHBACK = _insert_sql(CashbackEntries, CashbackEntry)

# The service's own hand-written statements, taken from its modules so that the reference
# follows them when they change: the invoice number, the invoice + its event and deliveries, and
# the events + deliveries.
TAKE_NUMBER, TAKE_NUMBER_PARAMS = invoice_repository.TAKE_NUMBER.sql, invoice_repository.TAKE_NUMBER.names
INSERT_INVOICE, INSERT_INVOICE_PARAMS = invoice_repository.INSERT.sql, invoice_repository.INSERT.names
RECORD_EVENTS, RECORD_PARAMS = event_repository.RECORD.sql, event_repository.RECORD.names

_PAGE = KeysetQuery(
    select(Invoices).where(Invoices.payer_id == bindparam("payer_id")), Invoices.created_at, Invoices.id
)
INVOICE_PAGE, INVOICE_PAGE_AFTER = _PAGE.first.sql, _PAGE.after.sql

TIMEOUT_MS = int(os.environ.get("PARTNERBILLING_DB_STATEMENT_TIMEOUT_MS", "10000"))


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: str = Field(min_length=1, max_length=40)
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=1000)


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def _dsn() -> str:
    url = os.environ["PARTNERBILLING_DATABASE_URL"]
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name,
            encoder=lambda value: orjson.dumps(value).decode(),
            decoder=orjson.loads,
            schema="pg_catalog",
        )


def _logging(query_logger: Callable[[Any], None]) -> Callable[[asyncpg.Connection], Awaitable[None]]:
    async def init(conn: asyncpg.Connection) -> None:
        await _init_connection(conn)
        conn.add_query_logger(query_logger)

    return init


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Return connections to the pool as they are. asyncpg's default reset sends one more round
    trip per checkout (``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``);
    the service's SQLAlchemy pool only rolls back an open transaction, and there is none here."""


async def _authenticate(conn: asyncpg.Connection, request: Request) -> str:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith("pb_") or len(token) > 100:
        raise HTTPException(401, "unauthenticated")
    org_id: str | None = await conn.fetchval(AUTH, hashlib.sha256(token.encode()).hexdigest())
    if org_id is None:
        raise HTTPException(401, "unauthenticated")
    return org_id


def _organization(row: asyncpg.Record) -> Organization:
    """The row (of ``ORG`` or ``ORG_WITH_TIER``) as the service's domain object, then as a charge
    is planned from it."""
    stored = OrganizationWithTier(**row) if "tier_rates" in row else StoredOrganization(**row)
    return organization_of(stored)


def _product(row: asyncpg.Record) -> Product:
    return product_of(StoredProduct(**row))


@cache
def _columns(sql: str) -> tuple[str, ...]:
    """An INSERT's column list, in order."""
    found = re.search(r"\(([^)]*)\) VALUES", sql)
    assert found is not None, sql
    return tuple(name.strip() for name in found.group(1).split(","))


async def _insert(conn: asyncpg.Connection, sql: str, row: object) -> None:
    """An INSERT of a planned row: its fields named by the statement's column list, in order."""
    await conn.execute(sql, *(getattr(row, name) for name in _columns(sql)))


async def _record_events(conn: asyncpg.Connection, now: datetime, plan: ChargePlan) -> None:
    rows = event_rows(plan.events)
    values = {
        "created_at": now,
        "ids": [new_id("evt") for _ in rows],
        "org_ids": [e[0] for e in rows],
        "types": [e[1] for e in rows],
        "datas": [e[2] for e in rows],
    }
    await conn.execute(RECORD_EVENTS, *(values[name] for name in RECORD_PARAMS))


async def _issue_invoice(conn: asyncpg.Connection, invoice: InvoiceDocument) -> None:
    """As the service: take the number (and the issuer), then insert the numbered document with
    its event; numbering itself is the service's pure :func:`partnerbilling.billing.issue.numbered`."""
    year = invoice.issued_at.year
    taken = await conn.fetchrow(TAKE_NUMBER, *({"year": year}[name] for name in TAKE_NUMBER_PARAMS))
    issued = numbered(invoice, year, taken["last_number"], taken["at"], taken["seller"])
    values = {
        **column_values(issued),
        "event_id": new_id("evt"),
        "event_type": EventType.INVOICE_ISSUED,
        "event_data": invoice_view(None, issued),
    }
    await conn.execute(INSERT_INVOICE, *(values[name] for name in INSERT_INVOICE_PARAMS))


async def _place_order(pool: asyncpg.Pool, request: Request, body: OrderIn) -> Response:
    """``POST /v1/orders``: load, plan with the service's planner, save; one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        caller = await _authenticate(conn, request)
        customer = await conn.fetchrow(ORG, body.customer_id)
        if customer is None:
            raise HTTPException(404, "No such customer.")
        row = await conn.fetchrow(PARTNERSHIP_FOR_SHARE, customer["id"], "active")
        partnership = (
            ActivePartnership(
                row["id"], row["partner_id"], Access(row["access"]), BillingMode(row["billing_mode"])
            )
            if row is not None
            else None
        )
        try:
            channel = initiating_channel(caller, customer["id"], partnership)
        except ChargeRefused as refusal:
            raise HTTPException(403 if refusal.visible else 404, "refused") from None
        product = await conn.fetchrow(PRODUCT, body.sku)
        if product is None:
            raise HTTPException(422, "unknown_product")
        partner = await conn.fetchrow(ORG_WITH_TIER, partnership.partner_id) if partnership else None
        try:
            plan = plan_order(
                _organization(customer),
                _product(product),
                body.quantity,
                channel,
                caller,
                partnership,
                _organization(partner) if partner is not None else None,
                new_id,
                utcnow(),
            )
        except NoPriceInCurrency:
            raise HTTPException(422, "price_not_available") from None
        order = plan.order
        await _insert(conn, INSERT_SUBSCRIPTION, plan.subscription)
        await _insert(conn, INSERT_ORDER, order)
        if plan.cashback is not None:
            await _insert(conn, INSERT_CASHBACK, plan.cashback)
        # As the service: the order's and the cashback's events, then the invoice with its
        # event (its number locks the year's counter until commit).
        await _record_events(conn, order.created_at, plan)
        await _issue_invoice(conn, plan.invoice)
    return _json(order_view(caller, order), 201)


async def _list_invoices(pool: asyncpg.Pool, request: Request, limit: int, cursor: str | None) -> Response:
    """``GET /v1/invoices``: one keyset page of the caller's invoices."""
    async with pool.acquire() as conn, conn.transaction():
        org_id = await _authenticate(conn, request)
        if cursor:
            after = decode_cursor(cursor)
            rows = await conn.fetch(INVOICE_PAGE_AFTER, org_id, after[0], after[1], limit + 1)
        else:
            rows = await conn.fetch(INVOICE_PAGE, org_id, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    data = [invoice_view(org_id, Invoice(**r)) for r in rows]
    last = rows[-1] if more and rows else None
    return _json(
        {
            "data": data,
            "next_cursor": encode_cursor(last["created_at"], last["id"]) if last is not None else None,
        }
    )


def create_app(query_logger: Callable[[Any], None] | None = None) -> FastAPI:
    """The app; ``query_logger``, if given, sees every statement its connections send (asyncpg's
    query logger: ``bench/trace_sql.py`` records them)."""
    pool_size = int(os.environ.get("PARTNERBILLING_DB_POOL_SIZE", "20"))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            _dsn(),
            min_size=1,  # opened on demand, as the service's pool
            max_size=2 * pool_size,  # as the service's pool_size + max_overflow
            init=_init_connection if query_logger is None else _logging(query_logger),
            reset=_keep_session,
            command_timeout=TIMEOUT_MS / 1000 + 5,
            server_settings={
                "statement_timeout": str(TIMEOUT_MS),
                "lock_timeout": "5000",
                "idle_in_transaction_session_timeout": "60000",
                "application_name": "partnerbilling-raw-reference",
            },
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/healthz")
    async def healthz() -> Response:
        async with app.state.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
        return _json({"status": "ok"})

    @app.post("/v1/orders", status_code=201)
    async def place_order(request: Request, body: OrderIn) -> Response:
        return await _place_order(app.state.pool, request, body)

    @app.get("/v1/invoices")
    async def list_invoices(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
    ) -> Response:
        return await _list_invoices(app.state.pool, request, limit, cursor)

    return app
