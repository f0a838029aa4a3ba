"""Two dunning runs side by side send each e-mail once; the renewal run skips suspended ones."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.dunning.runner import run_dunning
from tests.dunning.helpers import day, run
from tests.support import Api, build_world, count


async def test_two_runs_at_once_send_each_mail_once(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api, billing_mode="partner")
    invoices = [
        await api.ok(
            w.agency, "GET", f"/v1/invoices/{(await api.order(w.agency, w.acme, 'domain-ch'))['invoice_id']}"
        )
        for _ in range(6)
    ]
    as_of = datetime.fromisoformat(day(invoices[-1], 0))
    first, second = await asyncio.gather(
        run_dunning(db, as_of, (0, 14, 28, 42), batch_size=2),
        run_dunning(db, as_of, (0, 14, 28, 42), batch_size=2),
    )
    assert first.stepped + second.stepped == 6
    assert await count(db, "outbox_mails") == 6
    assert await count(db, "events", "type = 'invoice.overdue'") == 6


async def test_the_renewal_run_skips_a_suspended_subscription(api: Api, db: AsyncEngine) -> None:
    w = await build_world(api, billing_mode="partner")
    order = await api.order(w.agency, w.acme, "web-hosting-pro")
    invoice = await api.ok(w.agency, "GET", f"/v1/invoices/{order['invoice_id']}")
    for days in (0, 14, 28, 42):
        await run(api, day(invoice, days))
    sub = await api.ok(w.acme, "GET", f"/v1/subscriptions/{order['subscription_id']}")
    assert sub["status"] == "suspended"
    result = await api.ok(None, "POST", "/v1/admin/renewals/run", json={"as_of": sub["current_period_end"]})
    assert (result["renewed"], result["skipped"], result["reasons"]) == (0, 1, {"suspended": 1})
    assert await count(db, "orders") == 1
