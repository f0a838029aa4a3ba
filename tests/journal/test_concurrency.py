"""Concurrency (SPEC §17): orders and payments made at once are journaled in one gapless chain
that verifies."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.journal.support import verified
from tests.payments.helpers import invoice_of, pay
from tests.profiles.helpers import put_issuer
from tests.support import Api, build_world, rows

N = 50


async def test_fifty_orders_and_fifty_payments_at_once_leave_a_gapless_valid_chain(
    api: Api, db: AsyncEngine
) -> None:
    await put_issuer(api)
    w = await build_world(api)
    unpaid = [await invoice_of(api, w.acme, await api.order(w.acme, w.acme, "domain-ch")) for _ in range(N)]

    body = {"customer_id": w.acme.id, "sku": "domain-ch", "quantity": 1}
    orders = [api.call(w.agency, "POST", "/v1/orders", json=body) for _ in range(N)]
    payments = [
        pay(api, invoice["id"], invoice["total"], external_id=f"bank-{n}") for n, invoice in enumerate(unpaid)
    ]
    answers = await asyncio.gather(*orders, *payments)
    assert [a.status_code for a in answers] == [201] * (2 * N), [
        a.text for a in answers if a.status_code != 201
    ]

    seqs = [r.seq for r in await rows(db, "SELECT seq FROM journal ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    kinds = {r.kind: r.n for r in await rows(db, "SELECT kind, count(*) AS n FROM journal GROUP BY kind")}
    assert kinds["document"] == 2 * N and kinds["payment"] == N
    [entries] = await rows(db, "SELECT count(*) AS n FROM account_entries")
    assert kinds.get("ledger_entry", 0) == entries.n
    result = await verified(db)
    assert result.mismatch is None and result.records == len(seqs)
