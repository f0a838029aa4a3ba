"""``partnerbilling check`` on the bank's side (SPEC §13): silent after receipts applied either
way and a top-up, loud when a receipt's payment or entry, or a credit's record, is tampered with."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.invariants import CHECKS, check_database
from tests.documents.test_invoice_documents import ISSUER
from tests.payments.camt_files import camt054
from tests.payments.helpers import case_a
from tests.support import Api, build_world

XML = {"Content-Type": "application/xml"}
RECEIPTS = "every receipt is applied at most once, and once applied matched by exactly one payment or entry"
CREDITS = "every bank credit is recorded once, as the payment, top-up or receipt it became"


async def _books(api: Api) -> None:
    """Two receipts applied (to an invoice, to an account), one open, and a top-up."""
    await api.ok(None, "PUT", "/v1/admin/issuer", json=ISSUER)
    w = await build_world(api)
    a = await case_a(api, w)
    top_up = (await api.ok(w.agency, "GET", "/v1/account"))["top_up_references"]["CHF"]
    rows = [(None, "129.72", "CHF", "K-1"), (None, "10.00", "CHF", "K-2"), (None, "1.00", "CHF", "K-3")]
    data = camt054([*rows, (top_up, "40.00", "CHF", "K-4")])
    result = (await api.admin("POST", "/v1/admin/payments/import", content=data, headers=XML)).json()
    first, second, _ = (u["receipt_id"] for u in result["unmatched"])
    await api.ok(None, "POST", f"/v1/admin/receipts/{first}/apply", json={"invoice_id": a["id"]})
    await api.ok(None, "POST", f"/v1/admin/receipts/{second}/apply", json={"org_id": w.acme.id})


CORRUPTIONS = {
    RECEIPTS: [
        "UPDATE payments SET amount = amount + 1 WHERE id IN (SELECT payment_id FROM receipts)",
        "UPDATE account_entries SET kind = 'receipt' WHERE kind = 'top_up'",
        "UPDATE account_entries SET amount = amount + 1 WHERE kind = 'receipt'",
    ],
    CREDITS: [
        "UPDATE bank_credits SET outcome = NULL WHERE outcome = 'receipt'",
        "DELETE FROM bank_credits WHERE outcome = 'top_up'",
        "UPDATE bank_credits SET receipt_id = NULL WHERE outcome = 'receipt'",
    ],
}


async def test_consistent_bank_books_have_no_breach(api: Api, db: AsyncEngine) -> None:
    await _books(api)
    assert await check_database(db) == []


@pytest.mark.parametrize(("invariant", "corruption"), [(i, c) for i, cs in CORRUPTIONS.items() for c in cs])
async def test_each_corruption_is_reported(
    api: Api, db: AsyncEngine, invariant: str, corruption: str
) -> None:
    assert invariant in CHECKS
    await _books(api)
    async with transaction(db) as conn:
        await conn.execute(text(corruption))
    assert invariant in {b.invariant for b in await check_database(db)}
