"""``partnerbilling verify`` over a journal of 1,000,000 records: records per second.

    .venv/bin/python bench/verify_journal.py [records, default 1000000]

Uses a fresh database ``pb_bench_journal`` on the local PostgreSQL (or the embedded server),
dropped at the end. The ledger entries are written with ``INSERT … SELECT generate_series``; their
records are chained here (the same canonical content and hash layout as the service's) and
written with ``COPY``. Then ``verify_journal`` reads them back in batches through a server-side
cursor and recomputes every record; last, one entry's amount is changed by hand and found.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))

from harness import Database, drop_database, log, migrate, open_database, sql  # noqa: E402

from partnerbilling.db import make_engine  # noqa: E402
from partnerbilling.journal.content import row_content  # noqa: E402
from partnerbilling.journal.domain import GENESIS, record_hash, sha256_hex  # noqa: E402
from partnerbilling.journal.kinds import LEDGER_ENTRY  # noqa: E402
from partnerbilling.journal.verify import verify_journal  # noqa: E402
from partnerbilling.settings import Settings  # noqa: E402

_ORG = """
INSERT INTO organizations (id, name, billing_email, currency, vat_rate, created_at, updated_at)
VALUES ('org_journal', 'Journal AG', 'billing@journal.example', 'CHF', 0.081, now(), now())
"""
_SEED = """
INSERT INTO account_entries (id, org_id, currency, amount, kind, description, created_at)
SELECT 'ent_' || lpad(g::text, 9, '0'), 'org_journal', 'CHF', (g % 10000) / 100.0 + 0.01,
       'adjustment', 'Adjustment ' || g, now() - interval '365 days' + g * interval '10 ms'
FROM generate_series(1, {n}) AS g
"""
_COLUMNS = ("seq", "at", "kind", "object_id", "content_hash", "prev_hash", "hash")
CHUNK = 100_000


async def _chain(dsn: str) -> int:
    """Journal every entry, in id order, as the service would have: COPY in chunks."""
    conn = await asyncpg.connect(dsn)
    try:
        columns = ", ".join(LEDGER_ENTRY.columns)
        seq, prev, base = 0, GENESIS, datetime(2026, 1, 1, tzinfo=UTC)
        chunk: list[tuple[object, ...]] = []
        async with conn.transaction():
            async for row in conn.cursor(
                f"SELECT {columns} FROM account_entries ORDER BY id", prefetch=10_000
            ):
                seq += 1
                at = base + timedelta(microseconds=seq)
                content_hash = sha256_hex(row_content(LEDGER_ENTRY, dict(row)))
                hash_ = record_hash(prev, seq, at, LEDGER_ENTRY.kind, row["id"], content_hash)
                chunk.append((seq, at, LEDGER_ENTRY.kind, row["id"], content_hash, prev, hash_))
                prev = hash_
                if len(chunk) >= CHUNK:
                    await _copy(conn, chunk)
                    chunk = []
            await _copy(conn, chunk)
        await conn.execute("UPDATE journal_head SET seq = $1, hash = $2 WHERE id = 1", seq, prev)
        return seq
    finally:
        await conn.close()


async def _copy(conn: asyncpg.Connection, chunk: list[tuple[object, ...]]) -> None:
    await conn.copy_records_to_table("journal", records=chunk, columns=_COLUMNS)


async def _verify(db: Database) -> None:
    engine = make_engine(db.url, Settings())
    try:
        started = time.perf_counter()
        result = await verify_journal(engine)
        seconds = time.perf_counter() - started
        assert result.mismatch is None, result.mismatch
        rate = result.records / seconds
        log(f"verify: {result.records:,} records in {seconds:.1f} s: {rate:,.0f} records/s")
        await engine.dispose()
        conn = await asyncpg.connect(db.dsn)
        await conn.execute(
            "UPDATE account_entries SET amount = amount + 1 "
            " WHERE id = (SELECT id FROM account_entries ORDER BY id"
            " OFFSET (SELECT count(*) / 2 FROM account_entries) LIMIT 1)"
        )
        await conn.close()
        engine = make_engine(db.url, Settings())
        started = time.perf_counter()
        result = await verify_journal(engine)
        log(f"verify with an amount changed: {result.mismatch} in {time.perf_counter() - started:.1f} s")
    finally:
        await engine.dispose()


def main() -> int:
    counts = [a for a in sys.argv[1:] if a.isdigit()]
    n = int(counts[0]) if counts else 1_000_000
    os.environ.pop("PARTNERBILLING_DATABASE_URL", None)
    db = open_database("pb_bench_journal")
    try:
        migrate(db)
        sql(db, _ORG)
        started = time.perf_counter()
        sql(db, _SEED.format(n=n))
        log(f"seeded {n:,} ledger entries in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        records = asyncio.run(_chain(db.dsn))
        sql(db, "ANALYZE")
        log(f"chained and copied {records:,} records in {time.perf_counter() - started:.0f} s")
        asyncio.run(_verify(db))
    finally:
        drop_database(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
