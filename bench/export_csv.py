"""``GET /v1/invoices/export.csv`` of one payer with 1,000,000 invoice lines, streamed over HTTP
from a running service (``partnerbilling serve``, one process): rows per second, and the server
process's resident memory (VmRSS) and peak (VmHWM, from ``/proc/<pid>/status``) before the
request, after 100,000 rows and at the end, to show that the memory does not grow with the rows.

    .venv/bin/python bench/export_csv.py [lines, default 1000000]

Uses a fresh database ``pb_bench_export`` on the local PostgreSQL (or the embedded server),
dropped at the end; the invoices (one line each, as every charge writes them) are written with
``INSERT … SELECT generate_series``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))

from harness import ROOT, Database, drop_database, log, migrate, open_database, sql  # noqa: E402

from partnerbilling.auth import hash_key  # noqa: E402

KEY = "pb_bench_export_0123456789abcdef0123456789abcdef"
CHECKPOINT = 100_000
_ORG = """
INSERT INTO organizations (id, name, billing_email, currency, vat_rate, created_at, updated_at)
VALUES ('org_export', 'Export AG', 'billing@export.example', 'CHF', 0.081, now(), now())
"""
_KEY = f"""
INSERT INTO api_keys (id, org_id, prefix, key_hash, created_at)
VALUES ('key_export', 'org_export', '{KEY[:10]}', '{hash_key(KEY)}', now())
"""
# One line per invoice, spread over the last year (oldest first is the export's order).
_SEED = """
INSERT INTO invoices (id, number, kind, payer_id, customer_id, order_id, currency, lines, subtotal,
                      tax_rate, tax, total, status, issued_at, created_at, due_at, amount_paid)
SELECT 'inv_x' || lpad(g::text, 8, '0'), '2025-' || lpad(g::text, 7, '0'), 'invoice',
       'org_export', 'org_export', 'ord_x' || g, 'CHF',
       jsonb_build_array(jsonb_build_object(
           'description', 'Web Hosting Pro, 2025-01-01 – 2026-01-01 (order)', 'sku', 'web-hosting-pro',
           'quantity', 1, 'unit_price', '120.00', 'amount', '120.00', 'discount', '0.00',
           'net_amount', '120.00', 'customer_id', 'org_export', 'customer_name', 'Export AG',
           'period_start', '2025-01-01', 'period_end', '2026-01-01')),
       120.00, 0.081, 9.72, 129.72, 'issued', t, t, t + interval '30 days', 0
FROM generate_series(1, {n}) AS g,
     LATERAL (SELECT now() - interval '365 days' + g * interval '30 seconds' AS t) AS at
"""


def _memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(db: Database, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PARTNERBILLING_DATABASE_URL": db.url, "PARTNERBILLING_DB_POOL_SIZE": "4"}
    cmd = [sys.executable, "-m", "partnerbilling.cli", "serve", "--no-worker", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the service did not start")


def _stream(port: int, pid: int, expected: int) -> None:
    before, cpu_before = _memory(pid), _cpu_seconds(pid)
    rows, at_checkpoint = -1, None  # the header is not a row
    size = 0
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {KEY}"}
    url = f"http://127.0.0.1:{port}/v1/invoices/export.csv"
    with httpx.stream("GET", url, headers=headers, timeout=600) as response:
        assert response.status_code == 200, response.read()
        for chunk in response.iter_bytes():
            rows += chunk.count(b"\r\n")
            size += len(chunk)
            if at_checkpoint is None and rows >= CHECKPOINT:
                at_checkpoint = _memory(pid)
    seconds = time.perf_counter() - started
    after, cpu = _memory(pid), _cpu_seconds(pid) - cpu_before
    assert rows == expected, (rows, expected)
    log(f"{rows:,} rows, {size / 1e6:.0f} MB in {seconds:.1f} s: {rows / seconds:,.0f} rows/s")
    log(f"server CPU {cpu:.1f} s: {cpu / rows * 1e6:.0f} µs per row ({rows / cpu:,.0f} rows per CPU second)")
    for name, memory in (("before", before), (f"at {CHECKPOINT:,}", at_checkpoint), ("end", after)):
        if memory is None:
            continue
        log(f"server {name:>10}: VmRSS {memory['VmRSS']:.0f} MiB, VmHWM {memory['VmHWM']:.0f} MiB")


def main() -> int:
    counts = [a for a in sys.argv[1:] if a.isdigit()]
    lines = int(counts[0]) if counts else 1_000_000
    os.environ.pop("PARTNERBILLING_DATABASE_URL", None)
    db = open_database("pb_bench_export")
    try:
        migrate(db)
        sql(db, _ORG)
        sql(db, _KEY)
        started = time.perf_counter()
        sql(db, _SEED.format(n=lines))
        sql(db, "ANALYZE invoices")
        log(f"seeded {lines:,} invoice lines in {time.perf_counter() - started:.0f} s")
        port = _free_port()
        proc = _start(db, port)
        try:
            _stream(port, proc.pid, lines)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    finally:
        if "--keep" not in sys.argv:
            drop_database(db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
