# ruff: noqa: E501, W291
"""The raw reference: the benchmark's two operations written as directly as FastAPI and asyncpg
allow, issuing the same SQL statements as the service, in the same order, in one transaction.

* ``POST /v1/orders``: BEGIN; the API-key lookup; the customer; its active partnership FOR SHARE;
  the product; INSERT subscription; the partner with its tier (when a partner is involved);
  INSERT order; INSERT cashback entry (when the SPEC gives one); the events + webhook-deliveries
  statement; the invoice-number + invoice + its event statement; COMMIT.
* ``GET /v1/invoices``: BEGIN; the API-key lookup; the keyset page; COMMIT.

The statement texts are those the service sends (as SQLAlchemy compiles them; see
``python bench/run.py --trace-sql``), so PostgreSQL parses, plans and executes the same work.
Routing, pricing and the JSON views are the service's own pure functions: they are the work any
implementation must do, and sharing them keeps the reference's rows valid for
``partnerbilling check``. What the reference leaves out is everything between the socket and
asyncpg: the SQLAlchemy Core layer, the route class and its dependencies, the operations
middleware (request ids, metrics, body limit) and the problem+json handlers.

Served as deployed: ``uvicorn raw_reference:create_app --factory --app-dir bench --workers 2``,
with ``PARTNERBILLING_DATABASE_URL`` and ``PARTNERBILLING_DB_POOL_SIZE`` as for the service.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Annotated, Any

import asyncpg
import orjson
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.billing.money import format_money
from partnerbilling.billing.periods import add_months
from partnerbilling.billing.pricing import Price, Tier, price_charge
from partnerbilling.billing.routing import (
    Access,
    ActivePartnership,
    Benefit,
    BillingMode,
    ChargeRefused,
    initiating_channel,
    route_charge,
)
from partnerbilling.db import new_id, utcnow
from partnerbilling.events import repository as event_repository
from partnerbilling.events.schemas import EventType
from partnerbilling.invoices import repository as invoice_repository
from partnerbilling.pagination import decode_cursor, encode_cursor
from partnerbilling.visibility import cashback_entry_view, invoice_view, order_view

AUTH = "SELECT org_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"

ORG = """SELECT organizations.id, organizations.name, organizations.billing_email, organizations.currency, organizations.vat_rate, organizations.reseller_tier, organizations.created_at, organizations.updated_at 
FROM organizations 
WHERE organizations.id = $1::VARCHAR"""

PARTNERSHIP_FOR_SHARE = """SELECT partnerships.id, partnerships.customer_id, partnerships.partner_id, partnerships.access, partnerships.billing_mode, partnerships.status, partnerships.created_at, partnerships.updated_at, partnerships.accepted_at, partnerships.ended_at, partnerships.ended_by_id 
FROM partnerships 
WHERE partnerships.customer_id = $1::VARCHAR AND partnerships.status = $2::VARCHAR FOR SHARE"""

PRODUCT = """SELECT products.sku, products.name, products.category, products.period_months, products.prices, products.updated_at 
FROM products 
WHERE products.sku = $1::VARCHAR"""

INSERT_SUBSCRIPTION = "INSERT INTO subscriptions (id, customer_id, sku, quantity, origin_channel, origin_partnership_id, status, auto_renew, current_period_start, current_period_end, created_at, cancelled_at) VALUES ($1::VARCHAR, $2::VARCHAR, $3::VARCHAR, $4::INTEGER, $5::VARCHAR, $6::VARCHAR, $7::VARCHAR, $8::BOOLEAN, $9::TIMESTAMP WITH TIME ZONE, $10::TIMESTAMP WITH TIME ZONE, $11::TIMESTAMP WITH TIME ZONE, $12::TIMESTAMP WITH TIME ZONE)"

ORG_WITH_TIER = """SELECT organizations.id, organizations.name, organizations.billing_email, organizations.currency, organizations.vat_rate, organizations.reseller_tier, organizations.created_at, organizations.updated_at, reseller_tiers.default_rate AS tier_default_rate, reseller_tiers.rates AS tier_rates 
FROM organizations LEFT OUTER JOIN reseller_tiers ON reseller_tiers.code = organizations.reseller_tier 
WHERE organizations.id = $1::VARCHAR"""

INSERT_ORDER = "INSERT INTO orders (id, kind, channel, customer_id, placed_by_id, partnership_id, partner_id, subscription_id, sku, quantity, currency, payer_id, unit_price, public_amount, discount, net_amount, partner_rate, invoice_id, period_start, period_end, created_at) VALUES ($1::VARCHAR, $2::VARCHAR, $3::VARCHAR, $4::VARCHAR, $5::VARCHAR, $6::VARCHAR, $7::VARCHAR, $8::VARCHAR, $9::VARCHAR, $10::INTEGER, $11::VARCHAR, $12::VARCHAR, $13::NUMERIC(14, 2), $14::NUMERIC(14, 2), $15::NUMERIC(14, 2), $16::NUMERIC(14, 2), $17::NUMERIC(5, 4), $18::VARCHAR, $19::TIMESTAMP WITH TIME ZONE, $20::TIMESTAMP WITH TIME ZONE, $21::TIMESTAMP WITH TIME ZONE)"

INSERT_CASHBACK = "INSERT INTO cashback_entries (id, partner_id, order_id, customer_id, currency, rate, amount, status, created_at, updated_at) VALUES ($1::VARCHAR, $2::VARCHAR, $3::VARCHAR, $4::VARCHAR, $5::VARCHAR, $6::NUMERIC(5, 4), $7::NUMERIC(14, 2), $8::VARCHAR, $9::TIMESTAMP WITH TIME ZONE, $10::TIMESTAMP WITH TIME ZONE)"


# The service's own hand-written statements, taken from its modules so that the reference
# follows them when they change: the invoice number + invoice + its event and deliveries, and
# the events + deliveries.
ISSUE_INVOICE, ISSUE_PARAMS = invoice_repository._ISSUE.sql, invoice_repository._ISSUE.names
RECORD_EVENTS, RECORD_PARAMS = event_repository._RECORD.sql, event_repository._RECORD.names

INVOICE_PAGE = """SELECT invoices.id, invoices.number, invoices.kind, invoices.credits_invoice_id, invoices.payer_id, invoices.customer_id, invoices.order_id, invoices.currency, invoices.lines, invoices.subtotal, invoices.tax_rate, invoices.tax, invoices.total, invoices.status, invoices.reason, invoices.issued_at, invoices.paid_at, invoices.created_at 
FROM invoices 
WHERE invoices.payer_id = $1::VARCHAR ORDER BY invoices.created_at DESC, invoices.id DESC 
 LIMIT $2::INTEGER"""

INVOICE_PAGE_AFTER = """SELECT invoices.id, invoices.number, invoices.kind, invoices.credits_invoice_id, invoices.payer_id, invoices.customer_id, invoices.order_id, invoices.currency, invoices.lines, invoices.subtotal, invoices.tax_rate, invoices.tax, invoices.total, invoices.status, invoices.reason, invoices.issued_at, invoices.paid_at, invoices.created_at 
FROM invoices 
WHERE invoices.payer_id = $1::VARCHAR AND (invoices.created_at, invoices.id) < ($2::TIMESTAMP WITH TIME ZONE, $3::VARCHAR) ORDER BY invoices.created_at DESC, invoices.id DESC 
 LIMIT $4::INTEGER"""

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


async def _record_events(
    conn: asyncpg.Connection, now: datetime, events: list[tuple[str, str, dict[str, Any] | None]]
) -> None:
    rows = [e for e in events if e[2] is not None]
    values = {
        "created_at": now,
        "ids": [new_id("evt") for _ in rows],
        "org_ids": [e[0] for e in rows],
        "types": [e[1] for e in rows],
        "datas": [e[2] for e in rows],
    }
    await conn.execute(RECORD_EVENTS, *(values[name] for name in RECORD_PARAMS))


async def _issue_invoice(
    conn: asyncpg.Connection, order: SimpleNamespace, product: asyncpg.Record, price: Price
) -> None:
    line = {
        "description": f"{product['name']}, {order.period_start:%Y-%m-%d} – {order.period_end:%Y-%m-%d} (order)",
        "sku": order.sku,
        "quantity": order.quantity,
        "unit_price": format_money(price.unit_price),
        "amount": format_money(price.public_amount),
        "discount": format_money(price.discount),
        "net_amount": format_money(price.net_amount),
    }
    now = order.created_at
    values = {
        "year": now.year,
        "id": order.invoice_id,
        "kind": "invoice",
        "credits_invoice_id": None,
        "payer_id": order.payer_id,
        "customer_id": order.customer_id,
        "order_id": order.id,
        "currency": order.currency,
        "lines": [line],
        "subtotal": price.net_amount,
        "tax_rate": price.tax_rate,
        "tax": price.tax,
        "total": price.total,
        "status": "issued",
        "reason": None,
        "issued_at": now,
        "event_id": new_id("evt"),
        "event_type": EventType.INVOICE_ISSUED,
        "created_at": now,
    }
    # The payer's view of the invoice; the statement fills in its number and date.
    draft = SimpleNamespace(**values, number=None, paid_at=None)
    values["event_data"] = invoice_view(None, draft)
    await conn.execute(ISSUE_INVOICE, *(values[name] for name in ISSUE_PARAMS))


def create_app() -> FastAPI:
    pool_size = int(os.environ.get("PARTNERBILLING_DB_POOL_SIZE", "20"))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            _dsn(),
            min_size=1,  # opened on demand, as the service's pool
            max_size=2 * pool_size,  # as the service's pool_size + max_overflow
            init=_init_connection,
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
        async with app.state.pool.acquire() as conn, conn.transaction():
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
            now = utcnow()
            subscription_id = new_id("sub")
            period_end = add_months(now, product["period_months"])
            await conn.execute(
                INSERT_SUBSCRIPTION,
                subscription_id,
                customer["id"],
                product["sku"],
                body.quantity,
                channel.value,
                partnership.id if partnership else None,
                "active",
                True,
                now,
                period_end,
                now,
                None,
            )

            route = route_charge(customer["id"], partnership, channel)
            partner = await conn.fetchrow(ORG_WITH_TIER, route.partner_id) if route.partner_id else None
            payer = partner if partner is not None and route.payer_id == partner["id"] else customer
            unit_price = product["prices"].get(payer["currency"])
            if unit_price is None:
                raise HTTPException(422, "price_not_available")
            rate = None
            if route.benefit is not Benefit.NONE:
                rate = Decimal(0)
                if partner is not None and partner["tier_rates"] is not None:
                    tier = Tier(
                        partner["reseller_tier"],
                        partner["tier_default_rate"],
                        {k: Decimal(v) for k, v in partner["tier_rates"].items()},
                    )
                    rate = tier.rate_for(product["category"])
            price = price_charge(Decimal(unit_price), body.quantity, route.benefit, rate, payer["vat_rate"])
            order_id, invoice_id = new_id("ord"), new_id("inv")
            order = SimpleNamespace(
                id=order_id,
                kind="new",
                channel=route.channel.value,
                customer_id=customer["id"],
                placed_by_id=caller,
                partnership_id=route.partnership_id,
                partner_id=route.partner_id,
                subscription_id=subscription_id,
                sku=product["sku"],
                quantity=body.quantity,
                currency=payer["currency"],
                payer_id=payer["id"],
                unit_price=price.unit_price,
                public_amount=price.public_amount,
                discount=price.discount,
                net_amount=price.net_amount,
                partner_rate=price.partner_rate,
                invoice_id=invoice_id,
                period_start=now,
                period_end=period_end,
                created_at=now,
                cashback_rate=None,
                cashback_amount=None,
                cashback_status=None,
            )
            await conn.execute(
                INSERT_ORDER,
                order_id,
                "new",
                order.channel,
                order.customer_id,
                caller,
                order.partnership_id,
                order.partner_id,
                subscription_id,
                order.sku,
                order.quantity,
                order.currency,
                order.payer_id,
                price.unit_price,
                price.public_amount,
                price.discount,
                price.net_amount,
                price.partner_rate,
                invoice_id,
                now,
                period_end,
                now,
            )
            entry = None
            if price.cashback is not None and route.partner_id is not None:
                entry = SimpleNamespace(
                    id=new_id("cb"),
                    partner_id=route.partner_id,
                    order_id=order_id,
                    customer_id=customer["id"],
                    currency=payer["currency"],
                    rate=price.partner_rate,
                    amount=price.cashback,
                    status="pending",
                    created_at=now,
                    updated_at=now,
                )
                await conn.execute(
                    INSERT_CASHBACK,
                    entry.id,
                    entry.partner_id,
                    order_id,
                    entry.customer_id,
                    entry.currency,
                    entry.rate,
                    entry.amount,
                    "pending",
                    now,
                    now,
                )
                order.cashback_rate, order.cashback_amount, order.cashback_status = (
                    entry.rate,
                    entry.amount,
                    entry.status,
                )
            # As the service: the order's and the cashback's events, then the invoice with its
            # event (its number locks the year's counter until commit).
            events: list[tuple[str, str, dict[str, Any] | None]] = [
                (org, "order.created", order_view(org, order))
                for org in dict.fromkeys(o for o in (customer["id"], route.partner_id) if o is not None)
            ]
            if entry is not None:
                events.append(
                    (entry.partner_id, "cashback.credited", cashback_entry_view(entry.partner_id, entry))
                )
            await _record_events(conn, now, events)
            await _issue_invoice(conn, order, product, price)
        return _json(order_view(caller, order), 201)

    @app.get("/v1/invoices")
    async def list_invoices(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
    ) -> Response:
        async with app.state.pool.acquire() as conn, conn.transaction():
            org_id = await _authenticate(conn, request)
            if cursor:
                after = decode_cursor(cursor)
                rows = await conn.fetch(INVOICE_PAGE_AFTER, org_id, after[0], after[1], limit + 1)
            else:
                rows = await conn.fetch(INVOICE_PAGE, org_id, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        data = [invoice_view(org_id, SimpleNamespace(**dict(r))) for r in rows]
        last = rows[-1] if more and rows else None
        return _json(
            {
                "data": data,
                "next_cursor": encode_cursor(last["created_at"], last["id"]) if last is not None else None,
            }
        )

    return app
