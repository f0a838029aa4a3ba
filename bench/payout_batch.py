"""A payout batch of 10,000 requested payouts (of 100 organisations), against a real database:
the wall time of ``POST /v1/admin/payout-batches`` (the payouts locked and taken, the
pain.001 written and stored, 10,000 ``payout.in_transit`` events), of downloading its file
twice (byte-identical, checked against the XSD), of importing the bank's camt.054 that debits
them all (each payout completed), and of a pain.002 rejecting a second batch (of EUR payouts)
whole (each failed, its amount returned). Not a timed test: a measurement.

    .venv/bin/python bench/payout_batch.py [payouts, default 10000]

Uses a fresh database ``pb_bench_payouts`` on the local PostgreSQL (or the embedded server), the
organisations and payouts written with SQL, the app called in process."""

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

from harness import drop_database, log, migrate, open_database, sql  # noqa: E402
from tests.payouts.bank_files import camt054_debits, pain002  # noqa: E402
from tests.payouts.files import valid_pain001  # noqa: E402
from tests.payouts.support import PAYOUT_ACCOUNTS  # noqa: E402
from tests.profiles.helpers import issuer_body  # noqa: E402

from partnerbilling.app import create_app  # noqa: E402
from partnerbilling.db import make_engine  # noqa: E402
from partnerbilling.settings import Settings  # noqa: E402

TOKEN = "bench-payouts-admin-token-0123456789"
_ORGS = """
INSERT INTO organizations (id, name, legal_name, billing_email, currency, vat_rate, payout_iban,
                           created_at, updated_at)
SELECT 'org_p' || g, 'Agentur ' || g, 'Agentur Zürich ' || g || ' GmbH', 'billing' || g || '@example.ch',
       'CHF', 0.081, 'CH9300762011623852957', now(), now()
FROM generate_series(1, 100) AS g
"""
_PAYOUTS = """
INSERT INTO payouts (id, org_id, currency, amount, iban, account_holder, status, created_at, updated_at)
SELECT '{prefix}' || lpad(g::text, 8, '0'), 'org_p' || (1 + g % 100), '{currency}', 50 + (g % 1000) / 100.0,
       'CH9300762011623852957', 'Agentur Zürich ' || (1 + g % 100) || ' GmbH', 'requested',
       now() - interval '1 hour' + g * interval '1 ms', now()
FROM generate_series(1, {n}) AS g
"""


async def run(url: str, count: int) -> None:
    settings = Settings(database_url=url, admin_token=TOKEN, import_max_bytes=64 * 1024 * 1024)
    app = create_app(settings, engine=make_engine(url, settings))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b", timeout=600) as http,
    ):
        issuer = issuer_body(payout_accounts=PAYOUT_ACCOUNTS)
        assert (await http.put("/v1/admin/issuer", json=issuer, headers=auth)).status_code == 200
        started = time.perf_counter()
        made = await http.post("/v1/admin/payout-batches", json={"currency": "CHF"}, headers=auth)
        created = time.perf_counter() - started
        batch = made.json()
        assert made.status_code == 201 and batch["count"] == count, made.text
        log(f"batch of {count:,} payouts created (file written and stored): {created:.2f} s")
        started = time.perf_counter()
        first = await http.get(f"/v1/admin/payout-batches/{batch['id']}/pain001", headers=auth)
        downloaded = time.perf_counter() - started
        second = await http.get(f"/v1/admin/payout-batches/{batch['id']}/pain001", headers=auth)
        assert first.content == second.content
        valid_pain001(first.content)
        log(f"its pain.001: {len(first.content) / 1e6:.1f} MB, downloaded in {downloaded * 1000:.0f} ms, "
            "byte-identical twice, valid against the XSD")  # fmt: skip
        ids = [f"po_bench{g:08d}" for g in range(1, count + 1)]
        notification = camt054_debits([(i, "50.00") for i in ids])
        started = time.perf_counter()
        imported = await http.post(
            "/v1/admin/payments/import",
            content=notification,
            headers={**auth, "Content-Type": "application/xml"},
        )
        completed = len(imported.json()["payouts_completed"])
        log(f"camt.054 debiting them ({len(notification) / 1e6:.1f} MB): {completed:,} completed in "
            f"{time.perf_counter() - started:.2f} s")  # fmt: skip
        await _rejected(http, auth, count)


async def _rejected(http: httpx.AsyncClient, auth: dict[str, str], count: int) -> None:
    """A batch of as many EUR payouts, rejected whole by a pain.002: each one failed and its
    amount returned to its organisation's account (one ledger entry each)."""
    batch = (await http.post("/v1/admin/payout-batches", json={"currency": "EUR"}, headers=auth)).json()
    report = pain002(batch["message_id"], group_status="RJCT")
    started = time.perf_counter()
    imported = await http.post(
        "/v1/admin/payments/import", content=report, headers={**auth, "Content-Type": "application/xml"}
    )
    failed = len(imported.json()["payouts_failed"])
    log(f"pain.002 rejecting a batch of {count:,}: {failed:,} failed and returned in "
        f"{time.perf_counter() - started:.2f} s")  # fmt: skip


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    os.environ.pop("PARTNERBILLING_DATABASE_URL", None)
    db = open_database("pb_bench_payouts")
    try:
        migrate(db)
        sql(db, _ORGS)
        sql(db, _PAYOUTS.format(n=count, currency="CHF", prefix="po_bench"))
        sql(db, _PAYOUTS.format(n=count, currency="EUR", prefix="po_again"))
        asyncio.run(run(db.url, count))
    finally:
        drop_database(db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
