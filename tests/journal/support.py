"""A small history for the journal tests: documents (an invoice with its XML, a credit note),
payments, ledger entries and a payout with its state change; and SQL that tampers with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.journal.verify import Verification, verify_journal
from tests.payments.helpers import case_a, pay
from tests.payouts.support import credit, send, with_payout_accounts, with_payout_iban
from tests.profiles.helpers import put_issuer
from tests.support import Api, World, build_world


@dataclass
class History:
    world: World
    invoice: dict[str, Any]
    payment_id: str
    payout_id: str


async def make_history(api: Api, db: AsyncEngine) -> History:
    """An issued and paid invoice (A), whose cashback reaches the partner's ledger; a credited
    one; a payout of the partner, completed."""
    await put_issuer(api)
    w = await build_world(api)
    invoice = await case_a(api, w)
    paid = await pay(api, invoice["id"], invoice["total"], external_id="bank-1")
    assert paid.status_code == 201, paid.text
    credited = await case_a(api, w)
    await api.ok(None, "POST", f"/v1/admin/invoices/{credited['id']}/credit-note", json={"reason": "test"})
    await with_payout_iban(api, w.agency)
    await credit(db, w.agency, "50.00")
    payout = await api.ok(w.agency, "POST", "/v1/payouts", json={"currency": "CHF", "amount": "60.00"})
    await with_payout_accounts(api)
    await send(api)  # the payout goes to the bank in a batch, then the bank has paid it
    await api.ok(None, "POST", f"/v1/admin/payouts/{payout['id']}/complete")
    return History(w, invoice, paid.json()["id"], payout["id"])


async def sql(db: AsyncEngine, statement: str, **params: Any) -> None:
    """A change by hand, past the service (foreign keys not enforced, as a determined hand can)."""
    async with transaction(db) as conn:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(statement), params)


async def verified(db: AsyncEngine) -> Verification:
    return await verify_journal(db, batch_size=3)  # several batches even for a small history
