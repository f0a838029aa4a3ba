"""Assertions and database probes shared by the API tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}
ORDER_KEYS = {
    "id",
    "kind",
    "channel",
    "customer_id",
    "placed_by_id",
    "partnership_id",
    "subscription_id",
    "sku",
    "quantity",
    "currency",
    "payer_id",
    "public_amount",
    "discount",
    "net_amount",
    "invoice_id",
    "cashback",
    "created_at",
}
INVOICE_NUMBER = re.compile(r"^(\d{4})-(\d{6})$")
# What a charge writes; compared before and after a refused one.
CHARGE_TABLES = ("orders", "subscriptions", "invoices", "invoice_counters", "cashback_entries", "events")


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem document with this status (and code); return it."""
    assert response.status_code == status, (response.request.method, response.url, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS, body
    assert body["status"] == status, body
    if code is not None:
        assert body["code"] == code, body
    return body


def invoice_number(year: int, n: int) -> str:
    return f"{year}-{n:06d}"


def this_year() -> int:
    """The year invoices issued now are numbered in (their issue time is UTC)."""
    return datetime.now(UTC).year


async def count(db: AsyncEngine, table: str, where: str = "TRUE", **params: Any) -> int:
    async with db.connect() as conn:
        value = await conn.scalar(text(f"SELECT count(*) FROM {table} WHERE {where}"), params)
    return int(value or 0)


async def counts(db: AsyncEngine, tables: tuple[str, ...] = CHARGE_TABLES) -> dict[str, int]:
    return {table: await count(db, table) for table in tables}


async def rows(db: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with db.connect() as conn:
        return list(await conn.execute(text(sql), params))
