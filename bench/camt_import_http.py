"""One ``POST /v1/admin/payments/import`` of a camt.054 with 10,000 credit entries, each paying
one of 10,000 issued invoices (quoting its RF reference), against a real database: the wall time
of the request and the process's memory before and after (peak RSS).

    .venv/bin/python bench/camt_import_http.py [entries, default 10000]

Uses a fresh database ``pb_bench_camt`` on the local PostgreSQL (or the embedded server), the
invoices written with SQL (as ``bench/seed.py`` writes them), the app called in process."""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from harness import drop_database, log, migrate, open_database, sql  # noqa: E402
from tests.payments.camt_files import camt054  # noqa: E402

from partnerbilling.app import create_app  # noqa: E402
from partnerbilling.db import make_engine  # noqa: E402
from partnerbilling.settings import Settings  # noqa: E402

TOKEN = "bench-camt-admin-token-0123456789"
_ORG = """
INSERT INTO organizations (id, name, billing_email, currency, vat_rate, created_at, updated_at)
VALUES ('org_camt', 'Camt AG', 'billing@camt.example', 'CHF', 0.081, now(), now())
"""
_SEED = """
INSERT INTO invoices (id, number, kind, payer_id, customer_id, order_id, currency, lines, subtotal,
                      tax_rate, tax, total, status, issued_at, created_at, due_at, buyer,
                      payment_reference)
SELECT 'inv_c' || g, '2026-' || lpad(g::text, 6, '0'), 'invoice', 'org_camt', 'org_camt',
       'ord_c' || g, 'CHF', '[]', 120, 0.081, 9.72, 129.72, 'issued', now(), now(),
       now() + interval '30 days', '{{"legal_name": "Camt AG"}}',
       'RF' || lpad((98 - mod(('2026' || lpad(g::text, 6, '0') || '271500')::numeric, 97))::text, 2, '0')
            || '2026' || lpad(g::text, 6, '0')
FROM generate_series(1, {n}) AS g
"""


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(url: str, references: list[str]) -> None:
    entries = len(references)
    settings = Settings(database_url=url, admin_token=TOKEN)
    data = camt054([(ref, "129.72", "CHF", f"BANK-{i:06d}") for i, ref in enumerate(references)])
    log(f"camt.054 with {entries:,} entries: {len(data) / 1e6:.1f} MB")
    app = create_app(settings, engine=make_engine(url, settings))
    transport = httpx.ASGITransport(app=app)
    before = rss_mib()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://b") as http,
    ):
        started = time.perf_counter()
        response = await http.post(
            "/v1/admin/payments/import",
            content=data,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/xml"},
            timeout=600,
        )
        seconds = time.perf_counter() - started
    result = response.json()
    log(
        f"import: HTTP {response.status_code} in {seconds:.1f} s ({entries / seconds:,.0f} entries/s): "
        f"{len(result.get('matched', []))} matched, {len(result.get('unmatched', []))} unmatched; "
        f"peak RSS {before:.0f} → {rss_mib():.0f} MiB"
    )


def main() -> int:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    os.environ.pop("PARTNERBILLING_DATABASE_URL", None)
    db = open_database("pb_bench_camt")
    try:
        migrate(db)
        sql(db, _ORG)
        sql(db, _SEED.format(n=entries))
        references = sql(db, f"SELECT payment_reference FROM invoices ORDER BY number LIMIT {entries}")
        asyncio.run(run(db.url, [str(r[0]) for r in references]))
    finally:
        drop_database(db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
