"""Benchmark the monthly close: seed unbilled charges of monthly payers with plain SQL, close the
month once (one invoice per payer, a line per charge, its invoice.issued event), print the rate.

    .venv/bin/python bench/close_month.py [--charges 100000] [--payers 5000]

Uses a fresh database ``pb_bench_close`` on the local PostgreSQL (or the embedded server, as
``bench/run.py`` does), dropped at the end. Each payer is its own customer, on ``monthly``
invoicing; its charges were made last month, each with its own subscription."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import drop_database, log, migrate, open_database, sql

from partnerbilling.db import make_engine, utcnow
from partnerbilling.invoicing.runner import close_month
from partnerbilling.settings import Settings

_SEED = """
INSERT INTO products (sku, name, category, period_months, prices, updated_at) VALUES
  ('web-hosting-pro', 'Web Hosting Pro', 'hosting', 12, '{{"CHF": "120.00"}}', now()),
  ('domain-ch', 'Domain .ch', 'domain', 12, '{{"CHF": "13.45"}}', now());

INSERT INTO organizations (id, name, billing_email, currency, vat_rate, legal_name, language,
                           invoicing, created_at, updated_at)
SELECT 'org_m' || i, 'Payer ' || i, 'billing+' || i || '@close.example', 'CHF', 0.081,
       'Payer ' || i || ' AG', 'de', 'monthly', now(), now()
FROM generate_series(1, {payers}) AS i;

INSERT INTO subscriptions (id, customer_id, sku, quantity, origin_channel, status, auto_renew,
                           current_period_start, current_period_end, created_at)
SELECT 'sub_m' || g, 'org_m' || (1 + g % {payers}),
       CASE WHEN g % 3 = 0 THEN 'web-hosting-pro' ELSE 'domain-ch' END, 1 + g % 3, 'direct',
       'active', true, now() - interval '40 days', now() - interval '40 days' + interval '12 months',
       now() - interval '40 days'
FROM generate_series(1, {charges}) AS g;

INSERT INTO orders (id, kind, channel, customer_id, placed_by_id, subscription_id, sku, quantity,
                    currency, payer_id, unit_price, public_amount, discount, net_amount, invoice_id,
                    billing_status, period_start, period_end, created_at)
SELECT 'ord_m' || s.g, 'new', 'direct', c, c, 'sub_m' || s.g, sku, q, 'CHF', c, price, price * q, 0,
       price * q, NULL, 'unbilled', now() - interval '40 days',
       now() - interval '40 days' + interval '12 months', now() - interval '40 days'
FROM (SELECT g, 'org_m' || (1 + g % {payers}) AS c, 1 + g % 3 AS q,
             CASE WHEN g % 3 = 0 THEN 'web-hosting-pro' ELSE 'domain-ch' END AS sku,
             CASE WHEN g % 3 = 0 THEN 120.00 ELSE 13.45 END AS price
      FROM generate_series(1, {charges}) AS g) AS s;
"""


async def run(url: str) -> None:
    settings = Settings(database_url=url)
    engine = make_engine(url, settings)
    try:
        started = time.perf_counter()
        report = await close_month(engine, utcnow())
        seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    log(
        f"close: {report.charges:,} charges on {report.invoices:,} invoices in {seconds:.1f} s "
        f"({report.charges / seconds:,.0f} charges/s, {report.invoices / seconds:,.0f} invoices/s), "
        f"{report.failed} failed"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--charges", type=int, default=100_000)
    parser.add_argument("--payers", type=int, default=5_000)
    args = parser.parse_args()
    db = open_database("pb_bench_close")
    try:
        migrate(db)
        for statement in _SEED.format(payers=args.payers, charges=args.charges).split(";\n"):
            if statement.strip():
                sql(db, statement)
        sql(db, "VACUUM ANALYZE")
        log(f"seeded {args.charges:,} unbilled charges of {args.payers:,} monthly payers")
        asyncio.run(run(db.url))
        [billed] = sql(db, "SELECT count(*) FROM orders WHERE billing_status = 'billed'")
        log(f"billed: {billed[0]:,}")
    finally:
        drop_database(db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
