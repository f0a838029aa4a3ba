"""Retention (SPEC §17): finished webhook deliveries and sent e-mails' bodies older than
``RETENTION_DELIVERIES_DAYS``, events' payloads older than ``RETENTION_EVENTS_DAYS``, are purged
in batches by the scheduled job; exactly those, and the journal still verifies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import utcnow
from partnerbilling.retention import purge as service
from partnerbilling.settings import Settings
from tests.journal.support import make_history, sql, verified
from tests.support import Api, rows
from tests.webhooks.flows import add_endpoint


async def _nothing() -> None:
    return None


async def test_retention_purges_exactly_what_is_old_and_the_chain_still_verifies(
    api: Api, db: AsyncEngine, settings: Settings, monkeypatch: object
) -> None:
    history = await make_history(api, db)
    await add_endpoint(api, history.world.acme, "http://127.0.0.1:9/hook")
    await api.order(history.world.acme, history.world.acme, "domain-ch")  # an event with a delivery
    await sql(db, "UPDATE webhook_deliveries SET status = 'failed'")
    for n, (status, days) in enumerate([("sent", 91), ("failed", 95), ("pending", 200), ("sent", 89)]):
        await sql(
            db,
            "INSERT INTO outbox_mails (id, to_address, subject, body, status, attempt_count, next_attempt_at,"
            " created_at) VALUES (:id, 'a@b.example', 's', 'the body', :status, 1, now(),"
            " now() - CAST(:age AS interval))",
            id=f"mail_{n}", status=status, age=timedelta(days=days),
        )  # fmt: skip
    [old_delivery, *_] = await rows(db, "SELECT id FROM webhook_deliveries ORDER BY id")
    await sql(
        db,
        "UPDATE webhook_deliveries SET created_at = now() - interval '91 days' WHERE id = :d",
        d=old_delivery.id,
    )
    events = await rows(db, "SELECT id FROM events WHERE org_id IS NOT NULL ORDER BY id")
    old_events = {e.id for e in events[:3]}
    await sql(
        db,
        "UPDATE events SET created_at = now() - interval '401 days' WHERE id = ANY(:ids)",
        ids=list(old_events),
    )
    await sql(db, "INSERT INTO events (id, org_id, type, data, created_at) VALUES ('evt_seal', NULL,"
                  " 'journal.sealed', '{\"seq\": 1}', now() - interval '2000 days')")  # fmt: skip
    monkeypatch.setattr(service, "BATCH_SIZE", 1)  # type: ignore[attr-defined]

    report = await service.purge_old(db, settings, utcnow(), _nothing)

    assert (report["webhook_deliveries"], report["mail_bodies"], report["event_payloads"]) == (1, 2, 3)
    assert old_delivery.id not in {d.id for d in await rows(db, "SELECT id FROM webhook_deliveries")}
    # Only the mails made here (the history's invoices were mailed too, today: kept).
    made = "('mail_0', 'mail_1', 'mail_2', 'mail_3')"
    bodies = {m.id: m.body for m in await rows(db, f"SELECT id, body FROM outbox_mails WHERE id IN {made}")}
    assert bodies == {"mail_0": "", "mail_1": "", "mail_2": "the body", "mail_3": "the body"}
    assert all(m.body for m in await rows(db, f"SELECT body FROM outbox_mails WHERE id NOT IN {made}"))
    emptied = {e.id for e in await rows(db, "SELECT id FROM events WHERE data = '{}'::jsonb")}
    assert emptied == old_events
    [seal] = await rows(db, "SELECT data FROM events WHERE id = 'evt_seal'")
    assert seal.data == {"seq": 1}
    assert (await service.purge_old(db, settings, utcnow(), _nothing))["event_payloads"] == 0
    result = await verified(db)
    assert result.mismatch is None and result.records > 0
