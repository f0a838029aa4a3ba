"""Benchmark the renewal runner: seed due subscriptions with plain SQL, renew them, print the rate.

    .venv/bin/python bench/renewals.py                     # 100,000 subscriptions
    .venv/bin/python bench/renewals.py --subscriptions 20000 --concurrency 6 --keep

The database server is ``PARTNERBILLING_DATABASE_URL`` when set, else the embedded PostgreSQL
(under ``PARTNERBILLING_DATA_DIR``). The benchmark creates its own database there, migrates it
with Alembic, seeds it and drops it at the end (unless ``--keep``).

What is seeded (``INSERT ... SELECT generate_series``, not the API):

* tier ``gold`` (hosting 0.20, domain 0.05, default 0.10); ``web-hosting-pro`` (CHF 120.00,
  EUR 125.00, 12 months) and ``domain-ch`` (CHF 13.45, 12 months);
* 200 resellers (tier gold, CHF, each with a webhook endpoint for every event, so renewals fan
  out deliveries) and ``subscriptions / 2`` customers (one in five billing in EUR);
* partnerships by customer number ``i % 10``: 0–2 full access in billing mode customer, 3–4 full
  access in billing mode partner, 5 limited, 6 ended, 7–9 none;
* two subscriptions per customer, each created by the partner (channel partner) where the
  partnership has full access and ``i`` is even, else direct; every one with exactly one period
  due (its period ended within the last 300 days). EUR customers only have ``web-hosting-pro``,
  so every renewal can be priced: the run should renew every subscription and fail none.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import secrets
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

import asyncpg
from sqlalchemy.engine import make_url

from partnerbilling.db import make_engine, resolve_database_url, utcnow
from partnerbilling.migrate import upgrade_to_head
from partnerbilling.renewals.runner import RunReport, renew_due_subscriptions
from partnerbilling.settings import Settings

RESELLERS = 200

SEED = """
INSERT INTO reseller_tiers (code, name, default_rate, rates, updated_at)
VALUES ('gold', 'Gold', 0.10, '{"hosting": "0.20", "domain": "0.05"}', now());

INSERT INTO products (sku, name, category, period_months, prices, updated_at) VALUES
  ('web-hosting-pro', 'Web Hosting Pro', 'hosting', 12, '{"CHF": "120.00", "EUR": "125.00"}', now()),
  ('domain-ch', 'Domain .ch', 'domain', 12, '{"CHF": "13.45"}', now());

INSERT INTO organizations (id, name, billing_email, currency, vat_rate, reseller_tier, created_at, updated_at)
SELECT 'org_r' || i, 'Reseller ' || i, 'billing@r' || i || '.example', 'CHF', 0.081, 'gold', now(), now()
FROM generate_series(1, {resellers}) AS i;

INSERT INTO webhook_endpoints (id, org_id, url, description, event_types, enabled, secret,
                               created_at, updated_at)
SELECT 'we_r' || i, 'org_r' || i, 'https://hooks.r' || i || '.example/billing', NULL,
       ARRAY['*']::varchar[], true, 'whsec_' || md5(i::text), now(), now()
FROM generate_series(1, {resellers}) AS i;

INSERT INTO organizations (id, name, billing_email, currency, vat_rate, reseller_tier, created_at, updated_at)
SELECT 'org_c' || i, 'Customer ' || i, 'billing@c' || i || '.example',
       CASE WHEN i % 5 = 4 THEN 'EUR' ELSE 'CHF' END,
       CASE WHEN i % 5 = 4 THEN 0.19 ELSE 0.081 END, NULL, now(), now()
FROM generate_series(1, {customers}) AS i;

INSERT INTO partnerships (id, customer_id, partner_id, access, billing_mode, status,
                          created_at, updated_at, accepted_at, ended_at, ended_by_id)
SELECT 'pship_c' || i, 'org_c' || i, 'org_r' || (i % {resellers} + 1),
       CASE WHEN i % 10 = 5 THEN 'limited' ELSE 'full' END,
       CASE WHEN i % 10 IN (3, 4) THEN 'partner' ELSE 'customer' END,
       CASE WHEN i % 10 = 6 THEN 'ended' ELSE 'active' END,
       now() - interval '2 years', now(), now() - interval '2 years',
       CASE WHEN i % 10 = 6 THEN now() - interval '1 day' END,
       CASE WHEN i % 10 = 6 THEN 'org_c' || i END
FROM generate_series(1, {customers}) AS i
WHERE i % 10 < 7;

INSERT INTO subscriptions (id, customer_id, sku, quantity, origin_channel, origin_partnership_id,
                           status, auto_renew, current_period_start, current_period_end,
                           created_at, cancelled_at, renewal_claimed_until)
SELECT 'sub_' || i || '_' || k, 'org_c' || i,
       CASE WHEN k = 1 OR i % 5 = 4 THEN 'web-hosting-pro' ELSE 'domain-ch' END,
       1 + (i + k) % 3,
       CASE WHEN i % 10 < 7 AND i % 10 <> 5 AND i % 2 = 0 THEN 'partner' ELSE 'direct' END,
       CASE WHEN i % 10 < 7 THEN 'pship_c' || i END,
       'active', true, p.start, p.start + interval '12 months', p.start, NULL, NULL
FROM generate_series(1, {customers}) AS i
CROSS JOIN generate_series(1, 2) AS k
CROSS JOIN LATERAL (
    SELECT date_trunc('second', now()) - interval '12 months' - ((i * 7 + k * 13) % 300) * interval '1 day'
           AS start
) AS p;
"""


def _asyncpg_params(url: str) -> tuple[dict[str, object], str]:
    parsed = make_url(url)
    params: dict[str, object] = {
        "user": parsed.username or "postgres",
        "password": parsed.password,
        "host": parsed.query.get("host") or parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
    }
    return params, parsed.database or "postgres"


async def seed(url: str, subscriptions: int) -> None:
    params, database = _asyncpg_params(url)
    conn = await asyncpg.connect(database=database, **params)  # type: ignore[arg-type]
    try:
        started = time.monotonic()
        sql = SEED.replace("{resellers}", str(RESELLERS)).replace("{customers}", str(subscriptions // 2))
        async with conn.transaction():
            await conn.execute(sql)
        await conn.execute("VACUUM ANALYZE")
        print(f"seeded {subscriptions:,} due subscriptions in {time.monotonic() - started:.1f} s")
    finally:
        await conn.close()


async def verify(url: str, report: RunReport) -> None:
    params, database = _asyncpg_params(url)
    conn = await asyncpg.connect(database=database, **params)  # type: ignore[arg-type]
    try:
        orders, periods = await conn.fetchrow(
            "SELECT count(*), count(DISTINCT (subscription_id, period_start)) FROM orders"
        )
        still_due = await conn.fetchval(
            "SELECT count(*) FROM subscriptions WHERE status = 'active' AND auto_renew"
            " AND current_period_end <= $1",
            report.as_of,
        )
        by_channel = await conn.fetch("SELECT channel, count(*) FROM orders GROUP BY 1 ORDER BY 1")
        cashback = await conn.fetchval("SELECT count(*) FROM cashback_entries")
        deliveries = await conn.fetchval("SELECT count(*) FROM webhook_deliveries")
    finally:
        await conn.close()
    channels = ", ".join(f"{row[0]} {row[1]:,}" for row in by_channel)
    print(f"check: {orders:,} orders for {periods:,} distinct periods ({channels}); {still_due:,} still due")
    print(f"       {cashback:,} cashback entries, {deliveries:,} webhook deliveries queued")
    if orders != periods or orders != report.renewed or still_due != report.failed:
        raise SystemExit("benchmark check failed: duplicates or missed renewals")


def _runner_process(url: str, as_of: datetime, batch_size: int, concurrency: int) -> tuple[RunReport, float]:
    """One runner, in its own process (as several ``renew-due`` commands would be)."""

    async def run() -> RunReport:
        engine = make_engine(url, Settings(db_pool_size=concurrency + 2))
        try:
            return await renew_due_subscriptions(
                engine, as_of, batch_size=batch_size, concurrency=concurrency
            )
        finally:
            await engine.dispose()

    cpu = time.process_time()
    report = asyncio.run(run())
    return report, time.process_time() - cpu


async def main(args: argparse.Namespace) -> None:
    settings = Settings()
    server_url, embedded = resolve_database_url(settings)
    params, maintenance_db = _asyncpg_params(server_url)
    name = f"pb_bench_renewals_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(database=maintenance_db, **params)  # type: ignore[arg-type]
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, settings)
    try:
        await upgrade_to_head(engine)
        await seed(url, args.subscriptions)
        print(
            f"renewing with {args.runners} runner(s) × {args.concurrency} connections,"
            f" batches of {args.batch_size} …"
        )
        as_of = utcnow()
        started = time.monotonic()
        with ProcessPoolExecutor(args.runners, mp_context=multiprocessing.get_context("spawn")) as pool:
            loop = asyncio.get_running_loop()
            runs = [
                loop.run_in_executor(pool, _runner_process, url, as_of, args.batch_size, args.concurrency)
                for _ in range(args.runners)
            ]
            results = await asyncio.gather(*runs)
        seconds = time.monotonic() - started
        report = RunReport(as_of)
        cpu = 0.0
        for run, run_cpu in results:
            report.renewed += run.renewed
            report.failed += run.failed
            report.skipped += run.skipped
            cpu += run_cpu
        print(
            f"renewed {report.renewed:,} in {seconds:.1f} s: {report.renewed / seconds:,.0f} renewals/s"
            f" (failed {report.failed}, skipped {report.skipped});"
            f" runner CPU {cpu * 1000 / max(report.renewed, 1):.2f} ms per renewal"
        )
        await verify(url, report)
    finally:
        await engine.dispose()
        if not args.keep:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"kept database {name}")
        await admin.close()
        if embedded is not None:
            embedded.stop()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("BENCH_CONCURRENCY", 4)))
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--runners", type=int, default=1, help="runner processes working side by side")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
