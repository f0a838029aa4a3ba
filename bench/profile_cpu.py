"""CPU per request, without the noise of concurrency: drive the ASGI apps in-process, one
request at a time, and count the process's CPU time (``time.process_time``: all its threads,
not the time spent waiting for PostgreSQL). The service and the raw reference run the same
requests on the same seeded database, so the difference is the cost of the service's layers.

    PARTNERBILLING_DATABASE_URL=... python bench/profile_cpu.py [--requests 1000] [--profile]

``--profile`` adds cProfile's top functions (by own time) for each target. The database must
be seeded by ``bench/run.py`` (``--keep`` leaves it in place); the orders this writes are valid.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import seed  # noqa: E402
from starlette.types import ASGIApp  # noqa: E402

Asgi = ASGIApp


async def call(app: Asgi, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    """One request through the ASGI app, as uvicorn would pass it; returns the status."""
    raw_path, _, query = path.partition("?")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"content-length", str(len(body)).encode()), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def requests_for(kind: str, n: int) -> list[tuple[str, str, list[tuple[bytes, bytes]], bytes]]:
    if kind == "get":
        auth = [(b"authorization", f"Bearer {seed.key_for(seed.SMALL_PAYER)}".encode())]
        return [("GET", "/v1/invoices?limit=50", auth, b"")] * n
    calls = seed.order_calls()
    out = []
    for i in range(n):
        c = calls[i % len(calls)]
        body = f'{{"customer_id": "{c.customer_id}", "sku": "{c.sku}", "quantity": {c.quantity}}}'.encode()
        headers = [(b"authorization", f"Bearer {c.key}".encode()), (b"content-type", b"application/json")]
        out.append(("POST", "/v1/orders", headers, body))
    return out


async def drive(
    app: Asgi, work: list[tuple[str, str, list[tuple[bytes, bytes]], bytes]], concurrency: int
) -> None:
    """Send ``work`` through the app, ``concurrency`` requests at a time: 1 measures one
    request's work alone; more lets the requests of one process wait on each other (the year's
    invoice counter) as under load."""
    queue = list(reversed(work))

    async def client() -> None:
        while queue:
            method, path, headers, body = queue.pop()
            await call(app, method, path, headers, body)

    await asyncio.gather(*(client() for _ in range(concurrency)))


async def measure(app: Asgi, kind: str, n: int, profile: bool, concurrency: int) -> tuple[float, float, str]:
    """``(CPU µs per request, wall µs per request, profile text)`` over ``n`` requests, after a
    warm-up of 20."""
    for method, path, headers, body in requests_for(kind, 20):
        status = await call(app, method, path, headers, body)
        assert status in (200, 201), status
    work = requests_for(kind, n)
    profiler = cProfile.Profile(time.process_time) if profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    await drive(app, work, concurrency)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    text = ""
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(
            int(os.environ.get("PROFILE_LINES", "25"))
        )
        text = out.getvalue()
    return cpu * 1e6 / n, wall * 1e6 / n, text


async def service_app() -> tuple[Asgi, Callable[[], Awaitable[None]]]:
    from partnerbilling.app import create_app
    from partnerbilling.db import make_engine
    from partnerbilling.settings import Settings

    settings = Settings()
    assert settings.database_url
    engine = make_engine(settings.database_url, settings)

    async def close() -> None:
        await engine.dispose()

    return create_app(settings, engine=engine), close


async def reference_app() -> tuple[Asgi, Callable[[], Awaitable[None]]]:
    import raw_reference

    app = raw_reference.create_app()
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()

    async def close() -> None:
        await lifespan.__aexit__(None, None, None)

    return app, close


async def calls_per_request(app: Asgi, kind: str, n: int) -> float:
    """Python function calls per request (cProfile's count): a noise-free measure of work."""
    profiler = cProfile.Profile()
    work = requests_for(kind, n)
    profiler.enable()
    for method, path, headers, body in work:
        await call(app, method, path, headers, body)
    profiler.disable()
    return pstats.Stats(profiler).total_calls / n  # type: ignore[attr-defined,no-any-return]


async def main_async(n: int, rounds: int, profile: bool, kinds: list[str], concurrency: int) -> None:
    apps = {}
    closers = []
    for name, factory in (("service", service_app), ("reference", reference_app)):
        app, close = await factory()
        apps[name] = app
        closers.append(close)
    try:
        for kind in kinds:
            label = "POST /v1/orders" if kind == "post" else "GET /v1/invoices?limit=50"
            samples: dict[str, list[tuple[float, float]]] = {name: [] for name in apps}
            texts: dict[str, str] = {}
            for r in range(rounds):  # alternate, so that background load weighs on both alike
                for name in list(apps) if r % 2 == 0 else list(apps)[::-1]:
                    cpu, wall, text = await measure(apps[name], kind, n, profile and r == 0, concurrency)
                    samples[name].append((cpu, wall))
                    texts[name] = texts.get(name) or text
            for name, values in samples.items():
                cpus = sorted(c for c, _ in values)
                walls = sorted(w for _, w in values)
                calls = await calls_per_request(apps[name], kind, min(n, 200))
                print(
                    f"{name:9} {label:26} CPU µs/request: min {cpus[0]:6.0f}, median "
                    f"{cpus[len(cpus) // 2]:6.0f}; wall µs/request median {walls[len(walls) // 2]:6.0f}; "
                    f"Python calls/request {calls:6.0f}"
                )
                if texts.get(name):
                    print(texts[name])
    finally:
        for close in closers:
            await close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300, help="requests per batch (300)")
    parser.add_argument("--rounds", type=int, default=6, help="batches per target, alternating (6)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", choices=["get", "post"])
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight at once (1)")
    args = parser.parse_args()
    if "PARTNERBILLING_DATABASE_URL" not in os.environ:
        raise SystemExit("set PARTNERBILLING_DATABASE_URL to the seeded benchmark database")
    concurrency = max(1, args.concurrency)
    os.environ.setdefault("PARTNERBILLING_DB_POOL_SIZE", str(max(2, concurrency)))
    os.environ.setdefault("PARTNERBILLING_RATE_LIMIT_PER_MINUTE", "1000000000")
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(
        main_async(
            args.requests,
            args.rounds,
            args.profile,
            [args.only] if args.only else ["get", "post"],
            concurrency,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
