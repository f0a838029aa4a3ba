# ruff: noqa: E501
"""The raw reference: the benchmark's two operations written as directly as FastAPI and asyncpg
allow, issuing the same SQL statements as the service, in the same order, in one transaction.

* ``POST /v1/orders``: BEGIN; the API-key lookup; the customer with its active partnership (FOR
  SHARE), the product and the partner with its tier, in one statement; the subscription, order,
  cashback entry (when the SPEC gives one), events and webhook deliveries, in one statement; the
  invoice number (with the issuer); the invoice + its event statement; COMMIT.
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
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, select

from partnerbilling.billing.charge import ChargePlan, NoPriceInCurrency, plan_order
from partnerbilling.billing.domain import (
    InvoiceDocument,
    event_rows,
)
from partnerbilling.billing.issue import numbered
from partnerbilling.billing.routing import (
    ChargeRefused,
    initiating_channel,
)
from partnerbilling.catalog.domain import product_of
from partnerbilling.db import new_id, utcnow
from partnerbilling.events.domain import NewEvent
from partnerbilling.events.schemas import EventType
from partnerbilling.invoices import repository as invoice_repository
from partnerbilling.invoices.domain import Invoice
from partnerbilling.invoices.models import Invoice as Invoices
from partnerbilling.orders import repository as order_repository
from partnerbilling.organizations.domain import organization_of
from partnerbilling.pagination import KeysetQuery, decode_cursor, encode_cursor
from partnerbilling.sql import column_values
from partnerbilling.visibility import invoice_view, order_view

AUTH = "SELECT org_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"

# The service's own statements, taken from its modules as compiled so that the reference follows
# them when they change (``bench/trace_sql.py`` checks on every run that the two send the same
# sequence): what an order is planned from (one row; its parameters are the customer, the
# partnership status it locks and the sku), a charge's rows with its events and deliveries (by
# whether it creates a subscription and earns cashback), the invoice number, the invoice + its
# event and deliveries.
ORDER_INPUTS = order_repository.SOURCES.sql
assert order_repository.SOURCES.names == ("customer_id", "status_1", "sku"), order_repository.SOURCES.names
ADD_CHARGE = {key: (stmt.sql, stmt.names) for key, stmt in order_repository.ADD_CHARGE.items()}
TAKE_NUMBER, TAKE_NUMBER_PARAMS = invoice_repository.TAKE_NUMBER.sql, invoice_repository.TAKE_NUMBER.names
INSERT_INVOICE, INSERT_INVOICE_PARAMS = invoice_repository.INSERT.sql, invoice_repository.INSERT.names

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


async def _add_charge(conn: asyncpg.Connection, plan: ChargePlan) -> None:
    """The charge's rows but the invoice, its events and their deliveries: one statement."""
    rows = [NewEvent(*row) for row in event_rows(plan.events)]
    sql, names = ADD_CHARGE[plan.subscription is not None, plan.cashback is not None]
    values = order_repository.charge_values(
        plan.subscription, plan.order, plan.cashback, rows, plan.order.created_at
    )
    await conn.execute(sql, *(values[name] for name in names))


async def _issue_invoice(conn: asyncpg.Connection, invoice: InvoiceDocument) -> None:
    """As the service: take the number (and the issuer), then insert the numbered document with
    its event; numbering itself is the service's pure :func:`partnerbilling.billing.issue.numbered`."""
    assert not TAKE_NUMBER_PARAMS  # the year is the issue date's, in the statement
    taken = await conn.fetchrow(TAKE_NUMBER)
    zone = ZoneInfo(taken["time_zone"])
    issued = numbered(invoice, taken["year"], taken["last_number"], taken["at"], taken["seller"], zone)
    values = {
        **column_values(issued),
        "event_id": new_id("evt"),
        "event_type": EventType.INVOICE_ISSUED,
        "event_data": invoice_view(None, issued),
        "mail_id": new_id("mail"),
        "mail_subject": None,  # the reference sends no invoice mail
        "mail_body": None,
    }
    await conn.execute(INSERT_INVOICE, *(values[name] for name in INSERT_INVOICE_PARAMS))


async def _place_order(pool: asyncpg.Pool, request: Request, body: OrderIn) -> Response:
    """``POST /v1/orders``: load, plan with the service's planner, save; one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        caller = await _authenticate(conn, request)
        row = await conn.fetchrow(ORDER_INPUTS, body.customer_id, "active", body.sku)
        if row is None:
            raise HTTPException(404, "No such customer.")
        inputs = order_repository.sources_of(**row)
        try:
            channel = initiating_channel(caller, inputs.customer.id, inputs.partnership)
        except ChargeRefused as refusal:
            raise HTTPException(403 if refusal.visible else 404, "refused") from None
        if inputs.product is None:
            raise HTTPException(422, "unknown_product")
        try:
            plan = plan_order(
                organization_of(inputs.customer),
                product_of(inputs.product),
                body.quantity,
                channel,
                caller,
                inputs.partnership,
                organization_of(inputs.partner) if inputs.partner is not None else None,
                new_id,
                utcnow(),
            )
        except NoPriceInCurrency:
            raise HTTPException(422, "price_not_available") from None
        order = plan.order
        # As the service: the rows with the order's and the cashback's events, then the invoice
        # with its event (its number locks the year's counter until commit).
        await _add_charge(conn, plan)
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
