"""``make bench``: the service against a raw-asyncpg reference, on realistic data, in one run.

1. A database: ``PARTNERBILLING_DATABASE_URL`` if set (it must be empty), else a fresh
   ``pb_bench`` on the local PostgreSQL at 127.0.0.1:5432 (user postgres), else the embedded
   server; migrated with ``partnerbilling migrate``.
2. Seed (``bench/seed.py``, plain SQL): 10,000 organisations, partnerships in both billing modes,
   keys, webhook endpoints, and first 1,000 invoices (all of one payer); keep that state as a
   copy (``<database>_1k``), then load the invoice table to 1,000,000 rows.
3. Statement parity (``bench/trace_sql.py``): the reference must send the service's statements.
4. ``GET /v1/invoices?limit=50`` of that payer (still 1,000 invoices) on the 1,000-row copy and on
   the 1,000,000-row table: the service on both at once, in alternating segments.
5. The service against the reference on the large table: that GET, the first page of a payer
   with ~300,000 invoices, and ``POST /v1/orders`` rotating over 1,200 valid orders of many
   customers, in alternating segments.

Each target is served as deployed, ``uvicorn --workers 2`` on its app factory; the load comes
from ``wrk`` (Debian's package) in its own process, at 16 connections, after a warm-up. Prints
the table and writes it to ``bench/results/perf-<date>.md``; ``bench/README.md`` explains it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed
from harness import (
    RESULTS,
    ROOT,
    Database,
    Load,
    Run,
    Server,
    clone_database,
    drop_database,
    ensure_wrk,
    log,
    migrate,
    open_database,
    page_query_ms,
    serve,
    sql,
)


@contextmanager
def servers_on(
    kinds: list[str], dbs: list[tuple[Database, str]], args: argparse.Namespace
) -> Iterator[list[Server]]:
    """Each of ``kinds`` (service, reference) on each ``(database, label)``, all up at once."""
    with ExitStack() as stack:
        servers: list[Server] = []
        for kind in kinds:
            for db, label in dbs:
                port = args.port + len(servers)
                servers.append(
                    stack.enter_context(serve(kind, db, port, args.pool_size, args.workers, label=label))
                )
        yield servers


GET_SMALL = "(1,000-row table)"


def get_large() -> str:
    return f"({seed.TOTAL_INVOICES:,}-row table)"


def get_big() -> str:
    return f"({seed.TOTAL_INVOICES:,}-row table, payer with ~30 % of it)"


def report(
    runs: list[Run],
    size_runs: list[Run],
    memory: dict[str, list[float]],
    context: dict[str, str],
    queries: list[str],
) -> str:
    by = {(r.operation, r.target): r for r in runs}
    lines = [
        "| operation | target | req/s | p50 ms | p99 ms | worker CPU ms/req | worker cores busy "
        "| service/reference |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for operation in dict.fromkeys(r.operation for r in runs):
        for target in ("service", "reference"):
            r = by.get((operation, target))
            if r is None:
                continue
            ratio = ""
            ref = by.get((operation, "reference"))
            if target == "service" and ref is not None:
                ratio = (
                    f"req/s ×{r.rps / ref.rps:.2f}, p99 ×{r.p99_ms / ref.p99_ms:.2f}, "
                    f"CPU/req ×{r.cpu_ms_per_request / ref.cpu_ms_per_request:.2f}"
                )
            errors = f" ({r.errors} errors)" if r.errors else ""
            lines.append(
                f"| {operation} | {target}{errors} | {r.rps:.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
                f"| {r.cpu_ms_per_request:.2f} | {r.cores_busy:.2f} | {ratio} |"
            )
    verdicts = _verdicts(by)
    sizes = {r.operation: r for r in size_runs}
    small = sizes.get(f"GET /v1/invoices?limit=50 {GET_SMALL}")
    large = sizes.get(f"GET /v1/invoices?limit=50 {get_large()}")
    if small and large:
        growth = large.p50_ms / small.p50_ms
        verdicts.append(
            f"- GET /v1/invoices p50 (service, the payer with 1,000 invoices, both tables served at "
            f"once and measured in alternating segments): {small.p50_ms:.1f} ms at 1,000 rows "
            f"({small.rps:.0f} req/s) → {large.p50_ms:.1f} ms at {seed.TOTAL_INVOICES:,} rows "
            f"({large.rps:.0f} req/s): ×{growth:.2f} (target ≤ 1.30): {'PASS' if growth <= 1.30 else 'FAIL'}"
        )
    mem = [
        f"- {target}: " + ", ".join(f"{m:.0f} MiB" for m in sizes) + " (RSS per uvicorn worker)"
        for target, sizes in memory.items()
    ]
    writes = []
    for r in runs:
        if r.written.get("orders"):
            orders = r.written["orders"]
            per = ", ".join(f"{t} {c / orders:.2f}" for t, c in r.written.items() if t != "orders")
            writes.append(f"- {r.target}: {orders} orders written; per order: {per}")
    ctx = [f"- {k}: {v}" for k, v in context.items()]
    return "\n".join(
        [*lines, "", "Targets:", *verdicts, "",
         "The page query alone (EXPLAIN ANALYZE, median of 25, server-side):", *queries, "",
         "Worker memory after the run:", *mem, "",
         "Same work on both sides:", *writes, "", "Run:", *ctx]
    )  # fmt: skip


def targets() -> list[tuple[str, float, float | None]]:
    """Per operation: the least service/reference req/s ratio, and the greatest p99 ratio."""
    return [
        ("POST /v1/orders", 0.90, None),
        (f"GET /v1/invoices?limit=50 {get_large()}", 0.85, None),
        (f"GET /v1/invoices?limit=50 {get_big()}", 0.85, 1.30),
    ]


def _verdicts(by: dict[tuple[str, str], Run]) -> list[str]:
    """Each target's service/reference ratios, and whether it is met."""
    lines = []
    for operation, least_rps, most_p99 in targets():
        service, reference = by.get((operation, "service")), by.get((operation, "reference"))
        if service is None or reference is None:
            continue
        rps, p99 = service.rps / reference.rps, service.p99_ms / reference.p99_ms
        met = rps >= least_rps and (most_p99 is None or p99 <= most_p99)
        bound = f" (target ≤ {most_p99:.2f})" if most_p99 is not None else ""
        lines.append(
            f"- {operation}: req/s ×{rps:.3f} (target ≥ {least_rps:.2f}), p99 ×{p99:.3f}{bound}: "
            f"{'PASS' if met else 'FAIL'}"
        )
    return lines


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20, help="measured seconds per run (20)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per run (5)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (16)")
    parser.add_argument(
        "--rounds", type=int, default=4, help="measured segments per target, alternating (4: SRRSSRRS)"
    )
    parser.add_argument("--pool-size", type=int, default=16, help="PARTNERBILLING_DB_POOL_SIZE (16)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (2)")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--database", default="pb_bench", help="name of the fresh database (pb_bench)")
    parser.add_argument(
        "--invoices", type=int, default=seed.TOTAL_INVOICES, help="invoices in the large table (1,000,000)"
    )
    args = parser.parse_args()

    if args.invoices <= seed.SMALL_INVOICES:
        parser.error(f"--invoices must be above {seed.SMALL_INVOICES}")
    seed.TOTAL_INVOICES = args.invoices
    RESULTS.mkdir(exist_ok=True)
    ensure_wrk()
    db = open_database(args.database)
    try:
        migrate(db)
        log("migrated; seeding")
        clock = asyncio.run(seed.load_base(db.dsn, log))
        asyncio.run(seed.load_small(db.dsn, clock, log))

        calls_file = RESULTS / "order-calls.tsv"
        calls_file.write_text(
            "".join(f"{c.key}\t{c.customer_id}\t{c.sku}\t{c.quantity}\n" for c in seed.order_calls())
        )
        os.environ["PARTNERBILLING_DATABASE_URL"] = db.url
        import trace_sql

        load = Load(db, args.seconds, args.warmup, args.connections, args.rounds, calls_file)
        runs: list[Run] = []
        memory: dict[str, list[float]] = {}
        # The 1,000-row table stays available as a copy, so that the page can be measured on
        # both sizes in alternating segments, free of the machine's drift between two phases.
        small = clone_database(db, f"{args.database}_1k")
        try:
            log(f"loading the invoice table to {seed.TOTAL_INVOICES:,} rows")
            asyncio.run(seed.load_large(db.dsn, clock, log))
            queries = []
            for where, label, payer, what in (
                (small, "1,000-row table", seed.SMALL_PAYER, "payer with 1,000"),
                (db, f"{seed.TOTAL_INVOICES:,}-row table", seed.SMALL_PAYER, "payer with 1,000"),
                (db, f"{seed.TOTAL_INVOICES:,}-row table", seed.BIG_PAYER, "payer with ~30 %"),
            ):
                ms, plan = page_query_ms(where, payer)
                queries.append(f"- {label}, {what}: {ms:.3f} ms ({plan})")
            same, parity = asyncio.run(trace_sql.compare())
            for line in parity:
                log(f"parity: {line}")
            if not same:
                log(
                    "WARNING: the reference no longer sends the service's statements (bench/raw_reference.py)"
                )

            # The service on both tables, alternating (two servers at a time keep the number
            # of database connections well under PostgreSQL's default limit of 100).
            with servers_on(["service"], [(small, GET_SMALL), (db, get_large())], args) as servers:
                size_runs = load.invoices(servers, seed.SMALL_PAYER)
        finally:
            drop_database(small)

        with servers_on(["service", "reference"], [(db, "")], args) as servers:
            runs += load.invoices(servers, seed.SMALL_PAYER, get_large())
            runs += load.invoices(servers, seed.BIG_PAYER, get_big())
            runs += load.orders(servers)
            for server in servers:
                memory[server.kind] = server.rss_mib()

        counts = sql(db, "SELECT (SELECT count(*) FROM invoices), (SELECT count(*) FROM organizations)")[0]
        context = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "make bench (python bench/run.py " + " ".join(sys.argv[1:]) + ")",
            "load": (
                f"wrk -t2 -c{args.connections}; per operation and target {args.warmup} s warm-up, then "
                f"{args.seconds} s measured in {args.rounds} segments alternating with the other target"
            ),
            "servers": f"uvicorn --workers {args.workers}, PARTNERBILLING_DB_POOL_SIZE={args.pool_size}",
            "database": (
                f"{db.url.split('@')[-1]}; {counts[0]:,} invoices, {counts[1]:,} organisations at the end"
            ),
            "machine": f"{os.cpu_count()} CPUs; PostgreSQL, servers and wrk on the same machine",
            "statement parity": "same statements" if same else "DIFFERENT statements (see log)",
        }
        text = report(runs, size_runs, memory, context, queries)
        print("\n" + text)
        out = RESULTS / f"perf-{datetime.now(UTC):%Y-%m-%d}.md"
        out.write_text(f"# make bench, {context['date']}\n\n{text}\n")
        log(f"written to {out.relative_to(ROOT)}")
        return 0
    finally:
        if db.embedded is not None:
            db.embedded.stop()


if __name__ == "__main__":
    sys.exit(main())
