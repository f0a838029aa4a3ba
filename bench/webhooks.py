"""Webhook delivery throughput: N pending deliveries, W worker processes, one local receiver.

    .venv/bin/python bench/webhooks.py [--deliveries 20000] [--workers 2] [--database-url URL]

1. A database: ``--database-url`` (or ``PARTNERBILLING_DATABASE_URL``; a scratch database, the
   bench adds rows to it), else an embedded PostgreSQL in a temporary folder. Migrated to head.
2. A receiver on 127.0.0.1 in its own process: a minimal asyncio HTTP/1.1 server (keep-alive)
   that answers 204 and counts the distinct ``webhook-id``s it got.
3. Seed: one organisation, one endpoint pointing at the receiver, N events recorded through
   ``events.repository.record`` (which fans out the N pending deliveries), in batches.
4. W processes of ``partnerbilling worker`` (the command as deployed, configured through its
   environment, with ``WEBHOOK_ALLOW_PRIVATE_URLS=true``); the bench waits until no delivery is
   pending, then stops them with SIGTERM.

Prints the deliveries per second, over the whole run (from the workers' start) and over the
delivery window (first to last recorded attempt), attempt latencies, and checks that every
delivery succeeded once: the receiver saw each id exactly once.

Tuning: the worker's settings ``WORKER_BATCH_SIZE`` and ``WORKER_CONCURRENCY`` (``--batch``,
``--concurrency``). Against a receiver on the same machine, which answers in well under a
millisecond, a few connections and large batches are fastest: more connections only add client
work per request. Real receivers answer in tens or hundreds of milliseconds, and there the
default concurrency of 32 is what keeps throughput up.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from partnerbilling.db import EmbeddedPostgres, make_engine, new_id, transaction  # noqa: E402
from partnerbilling.events import repository as events  # noqa: E402
from partnerbilling.events.domain import NewEvent  # noqa: E402
from partnerbilling.events.schemas import EventType  # noqa: E402
from partnerbilling.migrate import upgrade_to_head  # noqa: E402
from partnerbilling.settings import Settings  # noqa: E402

SEED_BATCH = 2000

# -- the receiver --------------------------------------------------------------------------------


def _receive(port: int, ready: Any, received: Synchronized[int], duplicates: Synchronized[int]) -> None:
    """Serve on 127.0.0.1:port until terminated, counting webhook ids."""
    seen: set[bytes] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length, msg_id = 0, b""
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"webhook-id":
                        msg_id = value.strip()
                await reader.readexactly(length)
                if msg_id in seen:
                    duplicates.value += 1
                seen.add(msg_id)
                received.value = len(seen)
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
        ready.set()
        async with server:
            await server.serve_forever()

    _fast_loop()
    asyncio.run(main())


# -- the workers ---------------------------------------------------------------------------------


def _start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """``partnerbilling worker``, the command as deployed, configured by its environment."""
    assert settings.database_url
    env = {
        **os.environ,
        "PARTNERBILLING_DATABASE_URL": settings.database_url,
        "PARTNERBILLING_WEBHOOK_ALLOW_PRIVATE_URLS": "true",
        "PARTNERBILLING_WORKER_BATCH_SIZE": str(settings.worker_batch_size),
        "PARTNERBILLING_WORKER_CONCURRENCY": str(settings.worker_concurrency),
        "PARTNERBILLING_WORKER_POLL_INTERVAL": str(settings.worker_poll_interval),
        "PARTNERBILLING_DB_POOL_SIZE": str(settings.db_pool_size),
        "PYTHONPATH": str(ROOT / "src"),
    }
    return subprocess.Popen([sys.executable, "-m", "partnerbilling.cli", "worker"], env=env)


def _fast_loop() -> None:
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


# -- seeding and measuring -----------------------------------------------------------------------


async def _seed(engine: AsyncEngine, url: str, count: int) -> None:
    now = datetime.now(UTC)
    org_id, endpoint_id = new_id("org"), new_id("we")
    async with transaction(engine) as conn:
        await conn.execute(
            text(
                "INSERT INTO organizations (id, name, billing_email, currency, vat_rate, created_at,"
                " updated_at) VALUES (:id, 'Bench', 'bench@example.com', 'CHF', 0.081, :now, :now)"
            ),
            {"id": org_id, "now": now},
        )
        await conn.execute(
            text(
                "INSERT INTO webhook_endpoints (id, org_id, url, event_types, enabled, secret,"
                " created_at, updated_at) VALUES (:id, :org, :url, ARRAY['*'], true,"
                " 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', :now, :now)"
            ),
            {"id": endpoint_id, "org": org_id, "url": url, "now": now},
        )
    data = {"id": "inv_bench", "number": "2026-000001", "total": "129.72", "currency": "CHF"}
    for start in range(0, count, SEED_BATCH):
        batch = [
            NewEvent(org_id, EventType.INVOICE_ISSUED, {**data, "n": n})
            for n in range(start, min(count, start + SEED_BATCH))
        ]
        async with transaction(engine) as conn:
            await events.record(conn, batch, datetime.now(UTC))


async def _scalar(engine: AsyncEngine, sql: str) -> Any:
    async with engine.connect() as conn:
        return await conn.scalar(text(sql))


async def _wait_until_done(
    engine: AsyncEngine, workers: list[subprocess.Popen[bytes]], deadline: float
) -> None:
    while await _scalar(engine, "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'"):
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise SystemExit("the workers did not finish; see their log above")
        await asyncio.sleep(0.1)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def bench(args: argparse.Namespace, database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        webhook_allow_private_urls=True,
        worker_batch_size=args.batch,
        worker_concurrency=args.concurrency,
        worker_poll_interval=0.05,
        db_pool_size=4,
    )
    engine = make_engine(database_url, settings)
    spawn = mp.get_context("spawn")
    try:
        await upgrade_to_head(engine)
        port = _free_port()
        ready = spawn.Event()
        received, duplicates = spawn.Value("q", 0), spawn.Value("q", 0)
        receiver = spawn.Process(target=_receive, args=(port, ready, received, duplicates), daemon=True)
        receiver.start()
        ready.wait(10)

        started = time.perf_counter()
        await _seed(engine, f"http://127.0.0.1:{port}/hook", args.deliveries)
        print(f"seeded {args.deliveries} deliveries in {time.perf_counter() - started:.1f} s", flush=True)

        started = time.perf_counter()
        workers = [_start_worker(settings) for _ in range(args.workers)]
        try:
            await _wait_until_done(engine, workers, time.monotonic() + args.max_seconds)
            elapsed = time.perf_counter() - started
        finally:
            for worker in workers:
                worker.terminate()  # SIGTERM: the loop finishes its round and exits
            for worker in workers:
                worker.wait(10)

        async with engine.connect() as conn:
            stats = (
                await conn.execute(
                    text(
                        "SELECT count(*) AS attempts, count(DISTINCT delivery_id) AS deliveries,"
                        " extract(epoch FROM max(attempted_at) - min(attempted_at)) AS window,"
                        " percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,"
                        " percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99"
                        " FROM webhook_delivery_attempts"
                    )
                )
            ).one()
            succeeded = await conn.scalar(
                text("SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'")
            )
        receiver.terminate()
        window = max(float(stats.window or 0), 1e-9)
        print(
            f"workers:          {args.workers} x `partnerbilling worker`, batch {args.batch},"
            f" concurrency {args.concurrency}"
        )
        print(f"delivered:        {succeeded} of {args.deliveries} succeeded, {stats.attempts} attempts")
        print(f"receiver:         {received.value} distinct webhook ids, {duplicates.value} duplicates")
        print(f"attempt latency:  p50 {stats.p50:.1f} ms, p99 {stats.p99:.1f} ms")
        print(f"wall time:        {elapsed:.2f} s -> {args.deliveries / elapsed:,.0f} deliveries/s")
        print(f"delivery window:  {window:.2f} s -> {stats.attempts / window:,.0f} deliveries/s")
        if succeeded != args.deliveries or received.value != args.deliveries or duplicates.value:
            raise SystemExit("FAILED: some delivery was lost or sent twice")
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deliveries", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=200, help="deliveries claimed per round")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight per worker")
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--database-url", default=os.environ.get("PARTNERBILLING_DATABASE_URL"))
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(bench(args, args.database_url))
        return
    with tempfile.TemporaryDirectory(prefix="pb-bench-") as folder:
        embedded = EmbeddedPostgres(Path(folder))
        try:
            asyncio.run(bench(args, embedded.start()))
        finally:
            embedded.stop()


if __name__ == "__main__":
    main()
