"""The invariants checker: silent on a consistent database, loud on each kind of breach."""

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.invariants import CHECKS, check_database
from tests.support import Api, World, build_world


async def _busy_world(api: Api) -> World:
    """Orders of every SPEC §2 row, paid, credited, and a mode change in between."""
    w = await build_world(api)
    first = await api.order(w.agency, w.acme, "web-hosting-pro")  # A
    await api.order(w.acme, w.acme, "domain-ch", 3)  # C
    await api.ok(w.acme, "PATCH", f"/v1/partnerships/{w.partnership['id']}", json={"billing_mode": "partner"})
    await api.order(w.agency, w.acme, "web-hosting-pro")  # B
    await api.order(w.acme, w.acme, "domain-ch", 3)  # D
    mine = await api.ok(w.acme, "GET", f"/v1/orders/{first['id']}")
    await api.ok(None, "POST", f"/v1/admin/invoices/{mine['invoice_id']}/pay")
    await api.ok(
        None, "POST", f"/v1/admin/invoices/{mine['invoice_id']}/credit-note", json={"reason": "test"}
    )
    loner = await api.org("Loner")
    await api.order(loner, loner, "web-hosting-pro")
    return w


async def test_a_consistent_database_has_no_breach(api: Api, db: AsyncEngine) -> None:
    await _busy_world(api)
    assert await check_database(db) == []


CORRUPTIONS = {
    "every invoice has its orders": (
        "UPDATE invoices SET lines = jsonb_set(lines, '{0,order_id}', '\"ord_elsewhere\"')"
        " WHERE id = (SELECT min(id) FROM invoices)"
    ),
    "every billed order is on exactly one invoice line, addressed to its payer": (
        "UPDATE invoices SET payer_id = (SELECT id FROM organizations WHERE name = 'Stranger')"
        " WHERE id = (SELECT invoice_id FROM orders WHERE payer_id = customer_id LIMIT 1)"
    ),
    "invoice totals are the sum of their lines": (
        "UPDATE invoices SET subtotal = subtotal + 1, total = total + 1"
        " WHERE id = (SELECT min(id) FROM invoices)"
    ),
    "tax = half-up(net × rate), rounded once": "UPDATE invoices SET tax = tax + 0.01, total = total + 0.01"
    " WHERE id = (SELECT min(id) FROM invoices)",
    "invoice numbers are gapless and increasing per year": "UPDATE invoices SET number = number || '9'"
    " WHERE id = (SELECT max(id) FROM invoices)",
    "no cashback on an order the partner initiated and paid; its rebate is round(P × d)": (
        "INSERT INTO cashback_entries SELECT 'cb_x', partner_id, id, customer_id, currency, partner_rate,"
        " 1, 'pending', created_at, created_at FROM orders WHERE channel = 'partner'"
        " AND payer_id = partner_id LIMIT 1"
    ),
    "cashback status follows its invoice (pending/unpaid, available/paid, reversed/credited)": (
        "UPDATE cashback_entries SET status = 'available' WHERE status = 'pending'"
    ),
    "every event recipient may see its payload": (
        "UPDATE events SET org_id = (SELECT id FROM organizations WHERE name = 'Stranger')"
        " WHERE type = 'invoice.issued'"
    ),
    "each account's balance is the sum of its entries": "UPDATE account_balances SET balance = balance + 1",
    "an invoice's payments applied add up to its amount_paid, at most its total": (
        "UPDATE payments SET applied = applied - 1"
    ),
    "what a payment did not apply is one overpayment entry; one from the balance debited it": (
        "UPDATE payments SET method = 'balance'"
    ),
    "each available cashback is credited once, a reversed one that was debited once": (
        "DELETE FROM account_entries WHERE kind = 'cashback_reversal'"
    ),
}


@pytest.mark.parametrize("invariant", sorted(CORRUPTIONS))
async def test_each_corruption_is_reported(api: Api, db: AsyncEngine, invariant: str) -> None:
    assert invariant in CHECKS
    await _busy_world(api)
    async with transaction(db) as conn:
        await conn.execute(text("SET CONSTRAINTS ALL DEFERRED"))
        await conn.execute(text(CORRUPTIONS[invariant]))
    breaches = await check_database(db)
    assert invariant in {b.invariant for b in breaches}
    assert all(b.sample for b in breaches)
