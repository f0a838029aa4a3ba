"""The pieces of ``make bench`` (``run.py``): the database, the servers under test, and the
load generator with its measurements."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH))

import seed  # noqa: E402

T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# The database


@dataclass
class Database:
    url: str  # SQLAlchemy form, for the service
    embedded: Any = None

    @property
    def dsn(self) -> str:
        return self.url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _local_postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            pass
    except OSError:
        return False

    async def probe() -> bool:
        try:
            conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
        except Exception:
            return False
        await conn.close()
        return True

    return asyncio.run(probe())


async def _recreate(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def open_database(name: str) -> Database:
    given = os.environ.get("PARTNERBILLING_DATABASE_URL")
    if given:
        log("database: PARTNERBILLING_DATABASE_URL (must be empty)")
        return Database(given)
    if _local_postgres_reachable():
        log(f"database: fresh '{name}' on the local PostgreSQL at 127.0.0.1:5432")
        asyncio.run(_recreate("postgresql://postgres@127.0.0.1:5432/postgres", name))
        return Database(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}")
    from partnerbilling.db import EmbeddedPostgres

    log("database: no PostgreSQL at 127.0.0.1:5432; starting the embedded server")
    embedded = EmbeddedPostgres(RESULTS / "embedded")
    url = embedded.start()  # postgresql+asyncpg://postgres@/postgres?host=<socket dir>
    db = Database(url, embedded)
    asyncio.run(_recreate(db.dsn, name))
    return Database(url.replace("@/postgres?", f"@/{name}?", 1), embedded)


def _admin_dsn(db: Database) -> str:
    from sqlalchemy.engine import make_url

    return make_url(db.dsn).set(database="postgres").render_as_string(hide_password=False)


def clone_database(db: Database, name: str) -> Database:
    """A copy of ``db`` (``CREATE DATABASE … TEMPLATE``), replacing any earlier one."""
    from sqlalchemy.engine import make_url

    source = make_url(db.url).database

    async def run() -> None:
        conn = await asyncpg.connect(_admin_dsn(db))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        finally:
            await conn.close()

    asyncio.run(run())
    return Database(make_url(db.url).set(database=name).render_as_string(hide_password=False), db.embedded)


def drop_database(db: Database) -> None:
    from sqlalchemy.engine import make_url

    async def run() -> None:
        conn = await asyncpg.connect(_admin_dsn(db))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(db.url).database}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(run())


def migrate(db: Database) -> None:
    env = {**os.environ, "PARTNERBILLING_DATABASE_URL": db.url}
    done = subprocess.run(
        [sys.executable, "-m", "partnerbilling.cli", "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"partnerbilling migrate failed:\n{done.stdout}{done.stderr}")


async def _sql(db: Database, query: str) -> Any:
    conn = await asyncpg.connect(db.dsn)
    try:
        return await conn.fetch(query)
    finally:
        await conn.close()


def sql(db: Database, query: str) -> Any:
    return asyncio.run(_sql(db, query))


COUNTED = ("orders", "invoices", "cashback_entries", "events", "webhook_deliveries")


def row_counts(db: Database) -> dict[str, int]:
    rows = sql(db, " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in COUNTED))
    return {r[0]: r[1] for r in rows}


# ---------------------------------------------------------------------------------------------
# The servers


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    kind: str  # service | reference
    label: str = ""  # appended to the operation's name, e.g. the table size it serves

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        out = subprocess.run(
            ["ps", "--ppid", str(self.proc.pid), "-o", "pid=,args="], capture_output=True, text=True
        ).stdout
        return [int(line.split()[0]) for line in out.splitlines() if "spawn_main" in line]

    def rss_mib(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def cpu_seconds(self) -> float:
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total


SERVICE_APP = ["partnerbilling.app:create_app"]
REFERENCE_APP = ["raw_reference:create_app", "--app-dir", str(BENCH)]


@contextmanager
def serve(
    kind: str,
    db: Database,
    port: int,
    pool_size: int,
    workers: int,
    target: list[str] | None = None,
    label: str = "",
) -> Iterator[Server]:
    """``uvicorn <target> --factory --workers N`` as deployed (the service's or the reference's
    app unless ``target`` is given); ready once every worker answers."""
    name = f"{kind} {label}".strip()
    target = target or (SERVICE_APP if kind == "service" else REFERENCE_APP)
    env = {
        **os.environ,
        "PARTNERBILLING_DATABASE_URL": db.url,
        "PARTNERBILLING_DB_POOL_SIZE": str(pool_size),
        # Each request spends its key's budget, as deployed, but the load (a few keys at
        # thousands a second) never reaches it: it measures the service, not the 429s.
        "PARTNERBILLING_RATE_LIMIT_PER_MINUTE": os.environ.get(
            "PARTNERBILLING_RATE_LIMIT_PER_MINUTE", "1000000000"
        ),
        "PYTHONPATH": str(BENCH),
    }
    cmd = [
        sys.executable, "-m", "uvicorn", *target, "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    server = Server(name, proc, port, kind, label)
    try:
        deadline = time.monotonic() + 60
        health = "/healthz"
        ready_workers = 0
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(server.base + health, timeout=2) as response:
                    if response.status == 200:
                        ready_workers = len(server.workers())
                        if ready_workers >= workers:
                            break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not become ready")
            time.sleep(0.3)
        time.sleep(1.0)  # let the second worker finish its start-up too
        log(f"{name}: uvicorn with {ready_workers} workers on port {port}")
        yield server
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------------------------
# The load


@dataclass
class Run:
    """One operation against one target, merged over its measured segments."""

    operation: str
    target: str
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    cpu_seconds: float = 0.0
    quantiles: list[tuple[float, float]] = field(default_factory=list)  # (latency µs, weight)
    written: dict[str, int] = field(default_factory=dict)

    def add(self, result: dict[str, Any], cpu: float, written: dict[str, int]) -> None:
        n = result["requests"]
        self.requests += n
        self.seconds += result["duration_us"] / 1e6
        self.errors += sum(result["errors"].values())
        self.cpu_seconds += cpu
        # Each of the 999 quantiles stands for 0.1 % of the segment's requests.
        self.quantiles += [(float(v), n / 999) for v in result["q"]]
        for table, count in written.items():
            self.written[table] = self.written.get(table, 0) + count

    def percentile(self, p: float) -> float:
        """Latency in ms at percentile ``p`` of all segments' requests together."""
        points = sorted(self.quantiles)
        total = sum(w for _, w in points)
        seen = 0.0
        for value, weight in points:
            seen += weight
            if seen >= total * p / 100:
                return value / 1000
        return points[-1][0] / 1000 if points else float("nan")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return self.percentile(50)

    @property
    def p99_ms(self) -> float:
        return self.percentile(99)

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1000 / max(self.requests, 1)

    @property
    def cores_busy(self) -> float:
        """CPU the workers got per second of the run: on a machine shared with other work, a
        target that got less CPU serves fewer requests for that reason alone."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0

    @property
    def written_per_request(self) -> dict[str, float]:
        return {t: c / max(self.requests, 1) for t, c in self.written.items()}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk from the Debian packages")
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(install, stdout=subprocess.DEVNULL, check=True)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install wrk")
    return found


def connections_per_worker(server: Server) -> list[int]:
    """Established client connections held by each uvicorn worker (from ``ss``)."""
    out = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{server.port} )"],
        capture_output=True,
        text=True,
    ).stdout
    return [out.count(f"pid={pid},") for pid in server.workers()]


def wrk(
    server: Server, script: str, args: list[str], seconds: float, connections: int, balanced: bool = False
) -> dict[str, Any]:
    """One wrk run against ``server``; its figures as the script's JSON line.

    uvicorn's workers share one listening socket, and which worker accepts each of wrk's 16
    keep-alive connections is left to chance: a run often starts 12 to 4, or 14 to 2, and then
    one CPU-bound worker serves most of the load while the other idles. With ``balanced``, a run
    whose connections are split more unevenly than 9 to 7 is stopped at once and started again
    (up to 30 times), so that both targets are measured on the same split."""
    cmd = [
        ensure_wrk(), "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
        "-s", str(BENCH / "wrk" / script), server.base, "--", *args,
    ]  # fmt: skip
    check = balanced and shutil.which("ss") is not None and len(server.workers()) > 1
    for _ in range(30):
        cpu = server.cpu_seconds()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if check:
            time.sleep(0.4)
            split = connections_per_worker(server)
            if sum(split) == connections and max(split) - min(split) > 2:
                proc.kill()
                proc.communicate()
                continue
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"wrk failed: {err}")
        for line in reversed(out.splitlines()):
            if line.startswith("{"):
                result: dict[str, Any] = json.loads(line)
                result["cpu_seconds"] = server.cpu_seconds() - cpu  # of this attempt only
                return result
        raise RuntimeError(f"no result from wrk:\n{out}")
    raise RuntimeError("wrk's connections could not be spread evenly over the workers")


@dataclass
class Load:
    """Measures one operation on the service and on the reference, both up at once, in
    alternating segments (service, reference, reference, service, ...), so that a change of
    background load on the machine weighs on both alike."""

    db: Database
    seconds: int
    warmup: int
    connections: int
    rounds: int
    calls_file: Path

    def measure(
        self, servers: list[Server], operation: str, script: str, args: list[str], count_rows: bool = False
    ) -> list[Run]:
        runs = {s.name: Run(f"{operation} {s.label}".strip(), s.kind) for s in servers}
        for server in servers:
            wrk(server, script, args, self.warmup, self.connections)
        order: list[Server] = []
        for r in range(self.rounds):
            order += servers if r % 2 == 0 else servers[::-1]
        segment = self.seconds / self.rounds
        sql(self.db, "CHECKPOINT")
        for server in order:
            before = row_counts(self.db) if count_rows else {}
            result = wrk(server, script, args, segment, self.connections, balanced=True)
            cpu = result["cpu_seconds"]
            written = {}
            if count_rows:
                after = row_counts(self.db)
                written = {t: after[t] - before[t] for t in COUNTED}
            runs[server.name].add(result, cpu, written)
        for run in runs.values():
            log(
                f"{run.target:9} {run.operation}: {run.rps:7.1f} req/s  p50 {run.p50_ms:6.1f} ms  "
                f"p99 {run.p99_ms:6.1f} ms  ({run.requests} requests, {run.errors} errors, "
                f"{run.cpu_ms_per_request:.2f} worker-CPU ms/request)"
            )
        return list(runs.values())

    def invoices(self, servers: list[Server], payer: int, label: str = "") -> list[Run]:
        return self.measure(
            servers,
            f"GET /v1/invoices?limit=50 {label}".strip(),
            "invoices.lua",
            [seed.key_for(payer), "/v1/invoices?limit=50"],
        )

    def orders(self, servers: list[Server]) -> list[Run]:
        return self.measure(servers, "POST /v1/orders", "orders.lua", [str(self.calls_file)], count_rows=True)


# ---------------------------------------------------------------------------------------------
# The report


def page_query_ms(db: Database, payer: int, times: int = 25) -> tuple[float, str]:
    """Server-side execution time (median, ms) and plan of the service's keyset page query:
    what the table size does to the query itself, free of HTTP and of the machine's load."""
    import raw_reference

    async def run() -> tuple[float, str]:
        conn = await asyncpg.connect(db.dsn)
        try:
            samples, plan = [], ""
            for _ in range(times):
                out = await conn.fetchval(
                    "EXPLAIN (ANALYZE, FORMAT JSON) " + raw_reference.INVOICE_PAGE, seed.org_id(payer), 51
                )
                doc = json.loads(out)[0]
                samples.append(doc["Execution Time"])
                node = doc["Plan"]
                while node.get("Plans"):
                    node = node["Plans"][0]
                plan = f"{node['Node Type']} using {node.get('Index Name', '-')}"
            return sorted(samples)[len(samples) // 2], plan
        finally:
            await conn.close()

    return asyncio.run(run())
