"""``GET /v1/admin/archive`` of N documents, written in process: documents per second, and the
process's resident memory (VmRSS) after a quarter of the documents and at the end, to show that
the memory does not grow with the documents.

    .venv/bin/python bench/archive.py [documents, default 5000]

Uses a fresh database ``pb_bench_archive`` on the local PostgreSQL (or the embedded server),
dropped at the end; the invoices (one line each, with a seller and a buyer copied as an issued
one has them) are written with ``INSERT … SELECT generate_series``. Each document is rendered
twice (its XML, its PDF with the QR-bill), which is the archive's cost: the rate is that of the
renderer, and the ZIP's size grows with N while the memory does not.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))

from harness import drop_database, log, migrate, open_database, sql  # noqa: E402

from partnerbilling.db import make_engine  # noqa: E402
from partnerbilling.journal.archive import archive_chunks  # noqa: E402
from partnerbilling.settings import Settings  # noqa: E402

_ADDRESS = {
    "street": "Bahnhofstrasse",
    "building_number": "1",
    "postal_code": "8001",
    "city": "Zürich",
    "country": "CH",
}
_SELLER = {
    "legal_name": "Hosting Provider AG", "address": _ADDRESS, "vat_id": "CHE-116.281.710 MWST",
    "email": "billing@provider.example", "bank_accounts": {"CHF": {"iban": "CH4431999123000889012"}},
}  # fmt: skip
_BUYER = {"legal_name": "Archive AG", "address": _ADDRESS, "vat_id": None, "language": "de"}
_ORG = """
INSERT INTO organizations (id, name, billing_email, currency, vat_rate, created_at, updated_at)
VALUES ('org_archive', 'Archive AG', 'billing@archive.example', 'CHF', 0.081, now(), now())
"""
_SEED = """
INSERT INTO invoices (id, number, kind, payer_id, customer_id, order_id, currency, lines, subtotal,
                      tax_rate, tax, total, status, issued_at, created_at, due_at, amount_paid,
                      seller, buyer, payment_reference)
SELECT 'inv_a' || lpad(g::text, 8, '0'), '2026-' || lpad(g::text, 6, '0'), 'invoice',
       'org_archive', 'org_archive', 'ord_a' || g, 'CHF',
       jsonb_build_array(jsonb_build_object(
           'description', 'Web Hosting Pro', 'sku', 'web-hosting-pro',
           'quantity', 1, 'unit_price', '120.00', 'amount', '120.00', 'discount', '0.00',
           'net_amount', '120.00', 'customer_id', 'org_archive', 'customer_name', 'Archive AG',
           'period_start', '2026-01-01', 'period_end', '2027-01-01')),
       120.00, 0.081, 9.72, 129.72, 'issued', t, t, t + interval '30 days', 0,
       '{seller}'::jsonb, '{buyer}'::jsonb, NULL
FROM generate_series(1, {n}) AS g,
     LATERAL (SELECT timestamptz '2026-03-01 00:00+00' + g * interval '1 second' AS t) AS at
"""


def _rss() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _archive(url: str, n: int) -> None:
    engine = make_engine(url, Settings())
    size, chunks, quarter = 0, 0, None
    rss_before = _rss()
    started = time.perf_counter()
    async for chunk in archive_chunks(
        engine, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    ):
        size += len(chunk)
        chunks += 1
        if quarter is None and chunks >= n // 4:
            quarter = _rss()
    seconds = time.perf_counter() - started
    await engine.dispose()
    log(f"archive of {n:,} documents, {size / 1e6:.1f} MB in {seconds:.1f} s: {n / seconds:,.0f} documents/s")
    log(
        f"VmRSS before {rss_before:.0f} MiB, at a quarter {quarter or 0:.0f} MiB, at the end {_rss():.0f} MiB"
    )


def main() -> int:
    counts = [a for a in sys.argv[1:] if a.isdigit()]
    n = int(counts[0]) if counts else 5000
    os.environ.pop("PARTNERBILLING_DATABASE_URL", None)
    db = open_database("pb_bench_archive")
    try:
        migrate(db)
        sql(db, _ORG)
        seller, buyer = (json.dumps(v).replace("'", "''") for v in (_SELLER, _BUYER))
        sql(db, _SEED.format(n=n, seller=seller, buyer=buyer))
        log(f"seeded {n:,} invoices")
        asyncio.run(_archive(db.url, n))
    finally:
        drop_database(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
