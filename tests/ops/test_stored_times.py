"""``partnerbilling check`` reads every stored time (SPEC §13): one that is infinite or outside
1970-2100 cannot be rendered nor moved by a date computation, and is reported with its table,
column and row, where a -infinity due date used to pass."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.invariants import INVARIANTS, STORED_TIMES, check_database
from tests.payments.helpers import case_a, pay
from tests.support import Api, World, build_world, rows

LINES = "every invoice line's period renders: a date between 1970 and 2100"


async def _world(api: Api) -> tuple[World, str]:
    """Worked example A, paid: an order, a subscription, an invoice, a payment, entries."""
    w = await build_world(api)
    invoice = await case_a(api, w)
    assert (await pay(api, invoice["id"], "129.72", "bank-1")).status_code == 201
    return w, invoice["id"]


async def _breaches(db: AsyncEngine, *statements: str, **values: str) -> dict[str, list[str]]:
    async with transaction(db) as conn:
        for sql in statements:
            await conn.execute(text(sql), values)
    return {b.invariant: b.sample for b in await check_database(db)}


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("invoices", "due_at", "-infinity"),
        ("invoices", "issued_at", "infinity"),
        ("subscriptions", "current_period_end", "2101-01-01T00:00:00Z"),
        ("account_entries", "created_at", "1969-12-31T23:59:59Z"),
        ("payments", "received_at", "294276-01-01T00:00:00Z"),
        ("account_balances", "updated_at", "-infinity"),
    ],
)
async def test_a_time_that_cannot_be_rendered_is_reported(
    api: Api, db: AsyncEngine, table: str, column: str, value: str
) -> None:
    await _world(api)
    assert await check_database(db) == []
    [key] = await rows(db, f"SELECT * FROM {table} LIMIT 1")
    found = await _breaches(
        db, f"UPDATE {table} SET {column} = CAST(CAST(:v AS text) AS timestamptz)", v=value
    )
    assert STORED_TIMES in INVARIANTS
    samples = found[STORED_TIMES]
    assert all(sample.startswith(f"{table}.{column} ") for sample in samples), samples
    assert any(str(key[0]) in sample for sample in samples), samples


async def test_the_edges_of_the_range_are_times_that_render(api: Api, db: AsyncEngine) -> None:
    await _world(api)
    found = await _breaches(
        db,
        "UPDATE payments SET received_at = CAST(CAST(:last AS text) AS timestamptz)",
        "UPDATE organizations SET created_at = CAST(CAST(:first AS text) AS timestamptz)",
        last="2100-12-31T23:59:59.999999Z",
        first="1970-01-01T00:00:00Z",
    )
    assert STORED_TIMES not in found


async def test_a_line_period_that_cannot_be_rendered_is_reported(api: Api, db: AsyncEngine) -> None:
    _, invoice_id = await _world(api)
    found = await _breaches(
        db,
        "UPDATE invoices SET lines = jsonb_set(lines, '{0,period_end}', to_jsonb(CAST(:v AS text)))",
        v="infinity",
    )
    assert found[LINES] == [invoice_id]
