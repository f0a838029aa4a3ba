"""One ``POST /v1/admin/payments/import`` of a camt.054 with 10,000 credit entries of which 1,000
match nothing (no reference: each becomes an open receipt) and 9,000 pay one of 9,000 issued
invoices, against a real database; then the same file again (every credit a duplicate). Prints
the wall time of each request and the process's peak RSS. The target: under 10 s.

    .venv/bin/python bench/import_camt.py [entries, default 10000] [unmatched, default 1000]

Uses a fresh database ``pb_bench_camt`` on the local PostgreSQL (or the embedded server), the
invoices written with SQL (as ``bench/seed.py`` writes them), the app called in process."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from camt_import_http import _ORG, _SEED, TOKEN, rss_mib  # noqa: E402
from harness import drop_database, log, migrate, open_database, sql  # noqa: E402
from tests.payments.camt_files import camt054  # noqa: E402

from partnerbilling.app import create_app  # noqa: E402
from partnerbilling.db import make_engine  # noqa: E402
from partnerbilling.settings import Settings  # noqa: E402


async def run(url: str, references: list[str], unmatched: int) -> None:
    rows = [(ref, "129.72", "CHF", f"BANK-{i:06d}") for i, ref in enumerate(references)]
    rows += [(None, "50.00", "CHF", f"LOOSE-{i:06d}") for i in range(unmatched)]
    data = camt054(rows)
    log(f"camt.054 with {len(rows):,} entries ({unmatched:,} matching nothing): {len(data) / 1e6:.1f} MB")
    settings = Settings(database_url=url, admin_token=TOKEN)
    app = create_app(settings, engine=make_engine(url, settings))
    before = rss_mib()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as http,
    ):
        for label in ("first import", "same file again"):
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
                f"{label}: HTTP {response.status_code} in {seconds:.2f} s ({len(rows) / seconds:,.0f} "
                f"credits/s): {len(result['matched']):,} matched, {len(result['unmatched']):,} receipts, "
                f"{len(result['duplicates']):,} duplicates; peak RSS {before:.0f} → {rss_mib():.0f} MiB"
            )


def main() -> int:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    unmatched = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    os.environ.pop("PARTNERBILLING_DATABASE_URL", None)
    db = open_database("pb_bench_camt")
    try:
        migrate(db)
        sql(db, _ORG)
        sql(db, _SEED.format(n=entries - unmatched))
        references = sql(db, "SELECT payment_reference FROM invoices ORDER BY number")
        asyncio.run(run(db.url, [str(r[0]) for r in references], unmatched))
    finally:
        drop_database(db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
