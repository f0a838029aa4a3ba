"""Soak: the service as deployed under a steady mixed load, for minutes, then its books checked.

    .venv/bin/python bench/soak.py [--duration 300] [--rate R | --fraction 0.7] [--output FILE]

1. A database: ``PARTNERBILLING_DATABASE_URL`` if set (a scratch database), else a fresh
   ``pb_soak`` on the local PostgreSQL at 127.0.0.1:5432 (user postgres), else an embedded
   server in a temporary folder; migrated with ``partnerbilling migrate``.
2. Processes: the API (``uvicorn --workers 2`` on the app factory), one ``partnerbilling worker``
   delivering webhooks, and a webhook receiver on 127.0.0.1 (``WEBHOOK_ALLOW_PRIVATE_URLS``).
3. Through the API: tier and products, 10 partners and 60 customers (full and limited access,
   both billing modes, some without a partner), webhook endpoints for partners and customers.
4. Calibration (unless ``--rate``): the same mix, closed loop at 16 connections, for 20 s, with
   an admin renewal run halfway and another at the end (renewing what was ordered), then the
   delivery of every webhook those requests caused; requests over that whole time are the
   maximum. The soak then runs open loop at ``--fraction`` (70 %) of it, at most 64 requests in
   flight.
5. The soak: orders (direct and by partners), renewals (of one subscription, and the admin
   renewal run every 15 s, which renews what was ordered since the last: a job that the worker
   process runs, followed to its end when it outlasts the request's wait), billing-mode changes,
   reads; webhooks flow to the receiver all along. ``--renewal-every 0``: no admin runs.
6. Afterwards: the deliveries are drained, and ``partnerbilling check`` verifies the database.

Reports the error rate (target 0), latencies (p50/p99, from sending to the answer, and from the
time the request was due, which counts a client's wait when the service falls behind), the
delivery worker's memory at the start and the end of the soak (target: within 10 %), the check.
Exits non-zero if a request failed or the check found a breach.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

from partnerbilling.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# The job knobs the worker runs with (the environment's, else the defaults).
JOB_SETTINGS = Settings()
ADMIN_TOKEN = "soak-admin-token-" + uuid.uuid4().hex
T0 = time.monotonic()
CONNECTIONS = 16  # of the calibration's closed loop
MAX_IN_FLIGHT = 64  # requests of the open loop at a time, as a client's connection pool would
ADMIN_RUN = "admin renewals run"  # not live traffic: left out of the latency figures


def log(message: str) -> None:
    print(f"[{time.monotonic() - T0:7.1f}s] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# The database and the processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _recreate(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def open_database(name: str) -> tuple[str, Any]:
    """``(SQLAlchemy URL, embedded server or None)``."""
    given = os.environ.get("PARTNERBILLING_DATABASE_URL")
    if given:
        log("database: PARTNERBILLING_DATABASE_URL")
        return given, None
    try:
        asyncio.run(_recreate("postgresql://postgres@127.0.0.1:5432/postgres", name))
        log(f"database: fresh '{name}' on the local PostgreSQL at 127.0.0.1:5432")
        return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", None
    except (OSError, asyncpg.PostgresError) as exc:
        log(f"database: no local PostgreSQL ({exc!r}); starting the embedded server")
    from partnerbilling.db import EmbeddedPostgres

    embedded = EmbeddedPostgres(Path(tempfile.mkdtemp(prefix="pb-soak-")))
    url = embedded.start()
    asyncio.run(_recreate(dsn(url), name))
    return url.replace("@/postgres?", f"@/{name}?", 1), embedded


def dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def service_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PARTNERBILLING_DATABASE_URL": url,
        "PARTNERBILLING_ADMIN_TOKEN": ADMIN_TOKEN,
        "PARTNERBILLING_WEBHOOK_ALLOW_PRIVATE_URLS": "true",
        "PARTNERBILLING_WEBHOOK_RETRY_SCHEDULE": "1,5,30",
        "PARTNERBILLING_DB_POOL_SIZE": "10",
    }


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "partnerbilling.cli", *args],
        env=service_env(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def start(command: list[str], url: str, name: str) -> subprocess.Popen[bytes]:
    log(f"starting {name}: {' '.join(command[2:])}")
    return subprocess.Popen(
        command, env=service_env(url), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(process: subprocess.Popen[bytes] | mp.Process) -> None:
    if isinstance(process, mp.Process):
        process.terminate()
        process.join(10)
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def rss_mib(pid: int) -> float:
    return float(psutil.Process(pid).memory_info().rss) / 2**20


def wait_until_ready(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the API exited while starting")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the API did not become ready within 60 s")


# ---------------------------------------------------------------------------------------------
# The webhook receiver: a minimal HTTP/1.1 server (keep-alive) in its own process


def receive_webhooks(port: int) -> None:
    """Answer 204 to every POST and count the deliveries; ``GET /stats`` reports the counts."""
    ids: set[str] = set()
    received = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal received
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
                await reader.readexactly(int(headers.get("content-length", "0")))
                if lines[0].startswith("GET /stats"):
                    body = json.dumps({"received": received, "distinct": len(ids)}).encode()
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                else:
                    received += 1
                    ids.add(headers.get("webhook-id", ""))
                    writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# ---------------------------------------------------------------------------------------------
# The world and the workload


@dataclass
class Org:
    id: str
    key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class Partnership:
    id: str
    customer: Org
    partner: Org
    access: str
    mode: str


@dataclass
class World:
    partners: list[Org]
    customers: list[Org]
    partnerships: list[Partnership]
    subscriptions: list[tuple[Org, str]] = field(default_factory=list)


async def build_world(client: httpx.AsyncClient, receiver: str) -> World:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    async def ok(method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
        response = await client.request(method, path, headers=headers, **kwargs)
        if not response.is_success:
            raise SystemExit(f"setup: {method} {path} → {response.status_code} {response.text}")
        return response.json() if response.content else None

    await ok(
        "PUT",
        "/v1/admin/reseller-tiers/gold",
        admin,
        json={"name": "Gold", "default_rate": "0.10", "rates": {"hosting": "0.20", "domain": "0.05"}},
    )
    for sku, category, prices in (
        ("web-hosting-pro", "hosting", {"CHF": "120.00", "EUR": "125.00"}),
        ("domain-ch", "domain", {"CHF": "13.45", "EUR": "14.00"}),
    ):
        await ok(
            "PUT",
            f"/v1/admin/products/{sku}",
            admin,
            json={"name": sku, "category": category, "period_months": 12, "prices": prices},
        )

    async def org(name: str, tier: str | None) -> Org:
        data = await ok(
            "POST",
            "/v1/admin/organizations",
            admin,
            json={
                "name": name,
                "billing_email": f"billing@{name}.example",
                "currency": "CHF",
                "vat_rate": "0.081",
                "reseller_tier": tier,
            },
        )
        key = await ok("POST", f"/v1/admin/organizations/{data['id']}/api-keys", admin)
        return Org(data["id"], key["key"])

    partners = [await org(f"partner-{i}", "gold") for i in range(10)]
    customers = [await org(f"customer-{i}", None) for i in range(60)]
    partnerships = []
    for i, customer in enumerate(customers[:50]):
        partner = partners[i % len(partners)]
        access = "full" if i < 40 else "limited"
        mode = "partner" if access == "full" and i % 2 else "customer"
        created = await ok(
            "POST",
            "/v1/partnerships",
            customer.auth,
            json={"partner_id": partner.id, "access": access, "billing_mode": mode},
        )
        await ok("POST", f"/v1/partnerships/{created['id']}/accept", partner.auth)
        partnerships.append(Partnership(created["id"], customer, partner, access, mode))
    for i, who in enumerate([*partners, *customers[::6]]):
        await ok(
            "POST",
            "/v1/webhook-endpoints",
            who.auth,
            json={"url": f"{receiver}/hook/{i}", "event_types": ["*"]},
        )
    return World(partners, customers, partnerships)


Operation = Callable[[httpx.AsyncClient, World, random.Random], Awaitable[httpx.Response]]


async def order_direct(client: httpx.AsyncClient, world: World, rng: random.Random) -> httpx.Response:
    customer = rng.choice(world.customers)
    return await _order(client, world, customer, customer, rng)


async def order_by_partner(client: httpx.AsyncClient, world: World, rng: random.Random) -> httpx.Response:
    p = rng.choice([p for p in world.partnerships if p.access == "full"])
    return await _order(client, world, p.partner, p.customer, rng)


async def _order(
    client: httpx.AsyncClient, world: World, who: Org, customer: Org, rng: random.Random
) -> httpx.Response:
    response = await client.post(
        "/v1/orders",
        headers={**who.auth, "Idempotency-Key": uuid.uuid4().hex},
        json={
            "customer_id": customer.id,
            "sku": rng.choice(["web-hosting-pro", "domain-ch"]),
            "quantity": rng.randint(1, 3),
        },
    )
    if response.status_code == 201:
        world.subscriptions.append((customer, response.json()["subscription_id"]))
        del world.subscriptions[:-2000]
    return response


async def renew(client: httpx.AsyncClient, world: World, rng: random.Random) -> httpx.Response:
    if not world.subscriptions:
        return await order_direct(client, world, rng)
    customer, subscription_id = rng.choice(world.subscriptions)
    return await client.post(
        f"/v1/subscriptions/{subscription_id}/renew",
        headers={**customer.auth, "Idempotency-Key": uuid.uuid4().hex},
    )


async def change_billing_mode(client: httpx.AsyncClient, world: World, rng: random.Random) -> httpx.Response:
    p = rng.choice([p for p in world.partnerships if p.access == "full"])
    p.mode = "customer" if p.mode == "partner" else "partner"
    return await client.patch(
        f"/v1/partnerships/{p.id}", headers=p.customer.auth, json={"billing_mode": p.mode}
    )


def read(path: str, partner_only: bool = False) -> Operation:
    async def get(client: httpx.AsyncClient, world: World, rng: random.Random) -> httpx.Response:
        who = rng.choice(world.partners if partner_only else [*world.partners, *world.customers])
        return await client.get(path, headers=who.auth)

    get.__name__ = f"GET {path}"
    return get


async def read_partnership(client: httpx.AsyncClient, world: World, rng: random.Random) -> httpx.Response:
    p = rng.choice(world.partnerships)
    return await client.get(f"/v1/partnerships/{p.id}", headers=rng.choice([p.customer, p.partner]).auth)


MIX: list[tuple[Operation, int]] = [
    (order_direct, 18),
    (order_by_partner, 18),
    (renew, 10),
    (change_billing_mode, 8),
    (read("/v1/orders?limit=20"), 12),
    (read("/v1/invoices?limit=20"), 12),
    (read("/v1/events?limit=20"), 8),
    (read("/v1/cashback/balance", partner_only=True), 6),
    (read_partnership, 8),
]


def name_of(operation: Operation) -> str:
    return operation.__name__.replace("_", " ")


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int | str]] = field(default_factory=lambda: defaultdict(Counter))
    late: list[float] = field(default_factory=list)
    # From the time the open loop meant to send to the answer: what a client arriving then waits.
    overall: list[float] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)

    def record(self, name: str, started: float, outcome: int | str, problem: str = "") -> None:
        self.latencies[name].append(time.perf_counter() - started)
        self.statuses[name][outcome] += 1
        if problem:
            self.problems[problem] += 1

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.statuses.values())

    @property
    def errors(self) -> int:
        return sum(
            n for c in self.statuses.values() for s, n in c.items() if not (isinstance(s, int) and s < 400)
        )


async def one(client: httpx.AsyncClient, world: World, rng: random.Random, stats: Stats) -> None:
    operation = rng.choices([op for op, _ in MIX], weights=[w for _, w in MIX])[0]
    started = time.perf_counter()
    try:
        response = await operation(client, world, rng)
        problem = ""
        if response.status_code >= 400 and "problem+json" in response.headers.get("content-type", ""):
            problem = f"{response.status_code} {response.json().get('code')}"
        stats.record(name_of(operation), started, response.status_code, problem)
    except httpx.HTTPError as exc:
        stats.record(name_of(operation), started, type(exc).__name__)


async def maximum_throughput(
    client: httpx.AsyncClient, world: World, url: str, seconds: float, connections: int
) -> float:
    """Requests per second at ``connections`` clients each sending as fast as answered, with a
    renewal run halfway, counting the time then needed to renew the rest of what they ordered
    and to deliver their webhooks: all the work a request causes, as in the soak."""
    stats, deadline = Stats(), time.monotonic() + seconds

    async def client_loop(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            await one(client, world, rng, stats)

    started = time.monotonic()
    # A renewal run halfway, as in the soak, where runs compete with the requests.
    halfway = asyncio.create_task(renewal_runs(client, stats, seconds / 2, deadline))
    await asyncio.gather(*(client_loop(i) for i in range(connections)))
    answered = time.monotonic()
    renewed = await halfway + await renewal_run(client, stats)
    await drain(url)
    log(
        f"calibration: {stats.total} requests ({stats.errors} errors) in {answered - started:.1f} s; "
        f"renewing their {renewed} subscriptions and delivering their webhooks took "
        f"{time.monotonic() - answered:.1f} s more"
    )
    return stats.total / (time.monotonic() - started)


async def open_loop(
    client: httpx.AsyncClient,
    world: World,
    rate: float,
    seconds: float,
    stats: Stats,
    on_tick: Callable[[], None],
) -> None:
    """Requests at a fixed rate, whatever the answers' pace (as real clients arrive), at most
    ``MAX_IN_FLIGHT`` at a time: one that must wait for a free slot counts as late."""
    rng, tasks, slots = random.Random(7), set(), asyncio.Semaphore(MAX_IN_FLIGHT)
    loop = asyncio.get_running_loop()
    begin, n, next_tick = loop.time(), 0, 0.0

    async def send(scheduled: float) -> None:
        async with slots:
            stats.late.append(max(0.0, loop.time() - scheduled))
            await one(client, world, rng, stats)
        stats.overall.append(loop.time() - scheduled)

    while (scheduled := begin + n / rate) < begin + seconds:
        if (delay := scheduled - loop.time()) > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(send(scheduled))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
        if scheduled - begin >= next_tick:
            on_tick()
            next_tick += 5.0
    await asyncio.gather(*tasks)


async def renewal_run(client: httpx.AsyncClient, stats: Stats) -> int:
    """One platform renewal run for every period ending within a year, less a few seconds: it
    renews each subscription ordered before then and not renewed yet. The run is a job: the
    request answers its report (200) if the job is done within the service's wait, else the job
    (202), followed at its ``Location`` until it completes. Returns how many were renewed."""
    as_of = datetime.now(UTC) + timedelta(days=365) - timedelta(seconds=5)
    started = time.perf_counter()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    try:
        response = await client.post(
            "/v1/admin/renewals/run", headers=admin, json={"as_of": as_of.isoformat()}, timeout=300
        )
        stats.record(ADMIN_RUN, started, response.status_code)
        if response.status_code == 202:
            job = await follow_job(client, response.headers["location"], admin)
            result = job["report"] if job["status"] == "completed" else None
            if result is None:
                stats.record(ADMIN_RUN + " (job)", started, f"job {job['status']}: {job['error']}")
                return 0
        elif response.status_code == 200:
            result = response.json()
        else:
            return 0
    except httpx.HTTPError as exc:
        stats.record(ADMIN_RUN, started, type(exc).__name__)
        return 0
    log(
        f"renewal run: {result['renewed']} renewed, {result['failed']} failed {result['reasons'] or ''}, "
        f"{result['skipped']} skipped, {time.perf_counter() - started:.1f} s "
        f"({'answered' if response.status_code == 200 else 'as a job'})"
    )
    return int(result["renewed"])


async def follow_job(client: httpx.AsyncClient, location: str, headers: dict[str, str]) -> dict[str, Any]:
    """Poll a job until it is completed or failed."""
    while True:
        await asyncio.sleep(0.5)
        job: dict[str, Any] = (await client.get(location, headers=headers)).json()
        if job["status"] in ("completed", "failed"):
            return job


async def renewal_runs(client: httpx.AsyncClient, stats: Stats, every: float, stop_at: float) -> int:
    """The renewal run every ``every`` seconds: each renews what was ordered since the last."""
    renewed = 0
    while every and time.monotonic() + every < stop_at:
        await asyncio.sleep(every)
        renewed += await renewal_run(client, stats)
    return renewed


# ---------------------------------------------------------------------------------------------
# The report


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def report(
    stats: Stats, args: argparse.Namespace, rate: float, calibrated: float | None, facts: dict[str, Any]
) -> str:
    every = [x for name, values in stats.latencies.items() if not name.startswith(ADMIN_RUN) for x in values]
    lines = [
        f"# Soak {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {args.duration:.0f} s at {rate:.1f} req/s",
        "",
        f"- maximum throughput (closed loop, {CONNECTIONS} connections, webhooks delivered): "
        f"{calibrated:.1f} req/s"
        if calibrated
        else "- rate given with --rate (no calibration)",
        f"- requests: {stats.total} ({stats.total / args.duration:.1f} req/s achieved)",
        f"- errors: {stats.errors} ({stats.errors / max(1, stats.total):.4%}) — target 0",
        "- live latency (send → answer, the admin renewal runs left out): "
        f"p50 {percentile(every, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(every, 0.99) * 1000:.1f} ms, max {max(every, default=0) * 1000:.1f} ms",
        f"- lateness (sent after the scheduled time, by a busy generator or {MAX_IN_FLIGHT} requests "
        f"in flight): p99 {percentile(stats.late, 0.99) * 1000:.1f} ms",
        f"- latency from the scheduled time (lateness included): "
        f"p50 {percentile(stats.overall, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(stats.overall, 0.99) * 1000:.1f} ms",
        "",
        "| operation | requests | statuses | p50 ms | p99 ms |",
        "|---|---:|---|---:|---:|",
    ]
    for name in sorted(stats.statuses):
        values = stats.latencies[name]
        counts = ", ".join(f"{s}: {n}" for s, n in sorted(stats.statuses[name].items(), key=str))
        lines.append(
            f"| {name} | {len(values)} | {counts} | {percentile(values, 0.5) * 1000:.1f} "
            f"| {percentile(values, 0.99) * 1000:.1f} |"
        )
    if stats.problems:
        lines += ["", "Errors by problem code: " + ", ".join(f"{k}: {n}" for k, n in stats.problems.items())]
    lines += ["", *[f"- {k}: {v}" for k, v in facts.items()]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=300, help="seconds of soak (300)")
    parser.add_argument("--rate", type=float, help="requests per second (default: --fraction of the maximum)")
    parser.add_argument("--fraction", type=float, default=0.7, help="share of the measured maximum (0.7)")
    parser.add_argument("--calibrate", type=float, default=20, help="seconds of calibration (20)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (2)")
    parser.add_argument(
        "--renewal-every", type=float, default=15, help="seconds between admin renewal runs (15; 0: none)"
    )
    parser.add_argument("--database", default="pb_soak", help="name of the fresh local database (pb_soak)")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args()

    url, embedded = open_database(args.database)
    processes: list[subprocess.Popen[bytes] | mp.Process] = []
    try:
        done = run_cli(url, "migrate")
        if done.returncode != 0:
            raise SystemExit(f"partnerbilling migrate failed:\n{done.stdout}{done.stderr}")
        api_port, receiver_port = free_port(), free_port()
        receiver = mp.Process(target=receive_webhooks, args=(receiver_port,), daemon=True)
        receiver.start()
        processes.append(receiver)
        api = start(
            [sys.executable, "-m", "uvicorn", "partnerbilling.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(api_port), "--workers", str(args.workers),
             "--no-access-log", "--log-level", "warning"],
            url,
            "the API",
        )  # fmt: skip
        processes.append(api)
        worker = start([sys.executable, "-m", "partnerbilling.cli", "worker"], url, "the delivery worker")
        processes.append(worker)
        base_url = f"http://127.0.0.1:{api_port}"
        wait_until_ready(base_url, api)
        return asyncio.run(soak(args, url, base_url, f"http://127.0.0.1:{receiver_port}", api, worker))
    finally:
        for process in reversed(processes):
            stop(process)
        if embedded is not None:
            embedded.stop()


async def soak(
    args: argparse.Namespace,
    url: str,
    base_url: str,
    receiver: str,
    api: subprocess.Popen[bytes],
    worker: subprocess.Popen[bytes],
) -> int:
    limits = httpx.Limits(
        max_connections=MAX_IN_FLIGHT,
        max_keepalive_connections=MAX_IN_FLIGHT,
        # Below uvicorn's 5 s, so that the client never reuses a connection the server is closing.
        keepalive_expiry=2,
    )
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        world = await build_world(client, receiver)
        log(f"world: {len(world.partners)} partners, {len(world.customers)} customers")
        calibrated = None
        if args.rate is None:
            log(f"calibrating for {args.calibrate:.0f} s (closed loop, {CONNECTIONS} connections)")
            calibrated = await maximum_throughput(client, world, url, args.calibrate, CONNECTIONS)
            rate = calibrated * args.fraction
            log(f"maximum {calibrated:.1f} req/s; soaking at {rate:.1f} req/s")
        else:
            rate = args.rate

        api_workers = [
            c.pid
            for c in psutil.Process(api.pid).children()
            if "resource_tracker" not in " ".join(c.cmdline())
        ]
        memory: dict[str, list[float]] = {"worker": [rss_mib(worker.pid)]}
        memory |= {f"api worker {pid}": [rss_mib(pid)] for pid in api_workers}
        log(f"soak: {args.duration:.0f} s; worker RSS {memory['worker'][0]:.1f} MiB")
        stats, loads = Stats(), [os.getloadavg()[0]]

        def sample() -> None:
            loads.append(os.getloadavg()[0])
            memory["worker"].append(rss_mib(worker.pid))
            for pid in api_workers:
                memory[f"api worker {pid}"].append(rss_mib(pid))
            log(f"{stats.total} requests, {stats.errors} errors; worker RSS {memory['worker'][-1]:.1f} MiB")

        renewals = asyncio.create_task(
            renewal_runs(client, stats, args.renewal_every, time.monotonic() + args.duration)
        )
        await open_loop(client, world, rate, args.duration, stats, sample)
        renewed = await renewals

        pending = await drain(url)
        memory["worker"].append(rss_mib(worker.pid))
        received = json.loads((await client.get(f"{receiver}/stats")).text)

    check = run_cli(url, "check")
    start_mib, end_mib = memory["worker"][0], memory["worker"][-1]
    facts: dict[str, Any] = {
        "delivery worker RSS": f"{start_mib:.1f} MiB at the start, {end_mib:.1f} MiB at the end "
        f"({(end_mib - start_mib) / start_mib:+.1%}; max {max(memory['worker']):.1f} MiB)"
        " — target within 10 %",
        **{
            name: f"{sizes[0]:.1f} → {sizes[-1]:.1f} MiB"
            for name, sizes in memory.items()
            if name.startswith("api worker")
        },
        "subscriptions renewed by the admin renewal runs": renewed,
        "job settings (PARTNERBILLING_JOB_*)": ", ".join(
            f"{name.removeprefix('job_')} {getattr(JOB_SETTINGS, name)}"
            for name in type(JOB_SETTINGS).model_fields
            if name.startswith("job_")
        ),
        "machine load average (1 min) during the soak": f"{min(loads):.1f} – {max(loads):.1f} "
        f"on {os.cpu_count()} CPUs (everything runs on this machine: API, worker, PostgreSQL, load)",
        "webhooks received": f"{received['received']} ({received['distinct']} distinct ids); "
        f"deliveries still pending after draining: {pending}",
        "partnerbilling check": f"exit {check.returncode}: {check.stdout.strip().splitlines()[-1:]}",
    }
    text = report(stats, args, rate, calibrated, facts)
    print(text)
    if check.returncode != 0:
        print(check.stdout, check.stderr)
    if args.output:
        args.output.write_text(text + "\n")
    return 0 if check.returncode == 0 and stats.errors == 0 else 1


async def drain(url: str, seconds: float = 120) -> int:
    """Wait until the worker has no delivery due; return how many are still pending."""
    conn = await asyncpg.connect(dsn(url))
    try:
        deadline = time.monotonic() + seconds
        while True:
            pending = int(
                await conn.fetchval("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")
            )
            if pending == 0 or time.monotonic() > deadline:
                return pending
            await asyncio.sleep(1)
    finally:
        await conn.close()


if __name__ == "__main__":
    sys.exit(main())
