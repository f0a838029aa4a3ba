"""The exports are read in batches after a (created_at, id) key: every row once, in order, also
when many documents share one moment and the rows span several batches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling import exports
from partnerbilling.db import transaction
from tests.exports.support import INVOICES, export
from tests.support import Api

# Copies of one invoice, all issued at the same moment, with ids that sort as they are numbered.
_COPIES = """
INSERT INTO invoices (id, number, kind, payer_id, customer_id, order_id, currency, lines, subtotal,
                      tax_rate, tax, total, status, issued_at, created_at, due_at, amount_paid)
SELECT 'inv_copy_' || lpad(n::text, 4, '0'), '2020-' || lpad(n::text, 6, '0'), kind, payer_id,
       customer_id, order_id, currency, lines, subtotal, tax_rate, tax, total, status, :at, :at,
       due_at, 0
FROM invoices, generate_series(1, :copies) AS n
WHERE id = :id
"""


@pytest.mark.parametrize("batch_size", [1, 3, 10, 11])
async def test_batches_return_every_row_once_in_order(
    api: Api, db: AsyncEngine, monkeypatch: pytest.MonkeyPatch, batch_size: int
) -> None:
    await api.gold_catalogue()
    customer = await api.org("Batched")
    order = await api.order(customer, customer, "domain-ch")
    async with transaction(db) as conn:
        values = {"at": datetime(2020, 6, 1, tzinfo=UTC), "copies": 10, "id": order["invoice_id"]}
        await conn.execute(text(_COPIES), values)
    monkeypatch.setattr(exports, "BATCH_SIZE", batch_size)
    rows = await export(api, customer, INVOICES)
    copies = [f"2020-{n:06d}" for n in range(1, 11)]
    assert [r["number"] for r in rows] == [*copies, rows[-1]["number"]]
    assert rows[-1]["number"].endswith("-000001") and not rows[-1]["number"].startswith("2020-")
    assert [r["number"] for r in await export(api, customer, INVOICES, to="2020-06-02")] == copies
