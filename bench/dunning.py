"""Benchmark a dunning run: seed overdue invoices with plain SQL, run the dunning once (every
invoice takes its first step: status overdue, the invoice.overdue event, the payer's e-mail in
the outbox), print the rate.

    .venv/bin/python bench/dunning.py [--invoices 100000] [--concurrency 4]

Uses a fresh database ``pb_bench_dunning`` on the local PostgreSQL (or the embedded server, as
``bench/run.py`` does), dropped at the end. 1,000 payers (their languages cycling de, fr, it,
en), each with a webhook endpoint for every event, so that the events fan out deliveries."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import drop_database, log, migrate, open_database, sql

from partnerbilling.db import make_engine, utcnow
from partnerbilling.dunning.runner import run_dunning
from partnerbilling.settings import Settings

_ORGS = """
INSERT INTO organizations (id, name, billing_email, currency, vat_rate, legal_name, language,
                           created_at, updated_at)
SELECT 'org_d' || i, 'Payer ' || i, 'billing+' || i || '@dunning.example', 'CHF', 0.081,
       'Payer ' || i || ' AG', (ARRAY['de', 'fr', 'it', 'en'])[1 + i % 4], now(), now()
FROM generate_series(1, 1000) AS i
"""
_HOOKS = """
INSERT INTO webhook_endpoints (id, org_id, url, event_types, enabled, secret, created_at, updated_at)
SELECT 'we_d' || i, 'org_d' || i, 'https://hooks.dunning.example/' || i, ARRAY['*'], true,
       'whsec_' || md5(i::text), now(), now()
FROM generate_series(1, 1000) AS i
"""
_INVOICES = """
INSERT INTO invoices (id, number, kind, payer_id, customer_id, order_id, currency, lines, subtotal,
                      tax_rate, tax, total, status, issued_at, created_at, due_at, buyer,
                      payment_reference)
SELECT 'inv_d' || g, '2026-' || lpad(g::text, 6, '0'), 'invoice', 'org_d' || (1 + g % 1000),
       'org_d' || (1 + g % 1000), 'ord_d' || g, 'CHF', '[]', 120, 0.081, 9.72, 129.72, 'issued',
       now() - interval '40 days', now() - interval '40 days', now() - interval '10 days',
       jsonb_build_object('legal_name', 'Payer AG', 'language', 'de'),
       'RF' || lpad((98 - mod(('2026' || lpad(g::text, 6, '0') || '271500')::numeric, 97))::text, 2, '0')
            || '2026' || lpad(g::text, 6, '0')
FROM generate_series(1, {n}) AS g
"""


async def run(url: str, concurrency: int) -> None:
    settings = Settings(database_url=url)
    engine = make_engine(url, settings)
    try:
        started = time.perf_counter()
        report = await run_dunning(engine, utcnow(), settings.dunning_schedule_days, concurrency=concurrency)
        seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    log(
        f"dunning run: {report.invoices:,} invoices in {seconds:.1f} s "
        f"({report.invoices / seconds:,.0f} invoices/s), {report.stepped:,} stepped, "
        f"{report.failed} failed, concurrency {concurrency}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    db = open_database("pb_bench_dunning")
    try:
        migrate(db)
        sql(db, _ORGS)
        sql(db, _HOOKS)
        sql(db, _INVOICES.format(n=args.invoices))
        sql(db, "VACUUM ANALYZE")
        log(f"seeded {args.invoices:,} invoices due {timedelta(days=10).days} days ago")
        asyncio.run(run(db.url, args.concurrency))
        [mails] = sql(db, "SELECT count(*) FROM outbox_mails")
        [deliveries] = sql(db, "SELECT count(*) FROM webhook_deliveries")
        log(f"e-mails in the outbox: {mails[0]:,}; webhook deliveries: {deliveries[0]:,}")
    finally:
        drop_database(db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
