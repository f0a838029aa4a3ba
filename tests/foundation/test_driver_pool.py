"""The requests' driver pool: the engine's connections, session settings and JSON codecs, one
pool per engine within the engine's bound, a connection the server dropped replaced, and closed
with the engine."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling import driver_pool
from partnerbilling.db import make_engine, transaction
from partnerbilling.failures import classify_exception
from partnerbilling.settings import Settings
from partnerbilling.sql import Statement
from partnerbilling.transactions import request_transaction

_FIRST_AMOUNT = Statement(
    text("SELECT CAST(:value AS jsonb) -> 'lines' -> 0 ->> 'amount'").bindparams(
        bindparam("value", type_=JSONB)
    )
)


async def test_a_request_runs_on_the_driver_pool_with_the_engine_settings(
    db: AsyncEngine, settings: Settings
) -> None:
    async with request_transaction(db) as conn:
        assert not hasattr(conn, "sync_connection")  # the driver's connection, not SQLAlchemy's
        setting = "SELECT setting FROM pg_settings WHERE name = $1"  # in milliseconds
        assert await conn.fetchval(setting, "statement_timeout") == str(settings.db_statement_timeout_ms)
        assert await conn.fetchval(setting, "lock_timeout") == str(settings.db_lock_timeout_ms)
        assert await conn.fetchval("SELECT current_setting('application_name')") == "partnerbilling"
        # JSON comes back parsed, and a JSONB parameter goes in as the engine's statements send it.
        assert await conn.fetchval("""SELECT '{"a": [1, "2.50"]}'::jsonb""") == {"a": [1, "2.50"]}
        assert await conn.fetchval("""SELECT '{"b": null}'::json""") == {"b": None}
        assert await _FIRST_AMOUNT.value(conn, {"value": {"lines": [{"amount": "12.05"}]}}) == "12.05"
    pool = await driver_pool.pool_of(db)
    assert pool.get_max_size() == 2 * settings.db_pool_size  # the engine's pool_size + max_overflow
    assert await driver_pool.pool_of(db) is pool


async def test_a_request_transaction_commits_or_rolls_back(db: AsyncEngine) -> None:
    insert = (
        "INSERT INTO reseller_tiers (code, name, default_rate, rates, updated_at)"
        " VALUES ($1, 'T', 0, '{}', now())"
    )
    async with request_transaction(db) as conn:
        await conn.execute(insert, "kept")
    with pytest.raises(RuntimeError):
        async with request_transaction(db) as conn:
            await conn.execute(insert, "undone")
            raise RuntimeError("undo")
    async with transaction(db) as conn:
        codes = (await conn.execute(text("SELECT code FROM reseller_tiers"))).scalars().all()
    assert codes == ["kept"]


async def test_a_connection_the_server_dropped_is_replaced(db: AsyncEngine) -> None:
    async with request_transaction(db) as conn:
        pid = await conn.fetchval("SELECT pg_backend_pid()")
    async with transaction(db) as admin:
        await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    try:
        async with request_transaction(db) as conn:
            new_pid = await conn.fetchval("SELECT pg_backend_pid()")
    except Exception as exc:
        # A request that finds it dropped before the driver noticed is answered 503, and the
        # connection does not go back.
        assert classify_exception(exc)[0] == 503
        async with request_transaction(db) as conn:
            new_pid = await conn.fetchval("SELECT pg_backend_pid()")
    assert new_pid != pid


async def test_disposing_of_the_engine_closes_its_driver_pool(database_url: str, settings: Settings) -> None:
    engine = make_engine(database_url, settings)
    async with request_transaction(engine) as conn:
        pid = await conn.fetchval("SELECT pg_backend_pid()")
    pool = await driver_pool.pool_of(engine)
    await engine.dispose()
    assert pool.is_closing()
    other = make_engine(database_url, settings)
    try:
        for _ in range(50):  # the server ends the backend of a closed connection shortly after
            async with transaction(other) as conn:
                alive = await conn.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                )
            if alive == 0:
                break
            await asyncio.sleep(0.05)
        assert alive == 0
    finally:
        await other.dispose()


async def test_a_hook_runs_on_each_new_connection_after_the_codecs(
    database_url: str, settings: Settings
) -> None:
    engine = make_engine(database_url, settings)
    seen: list[object] = []

    async def hook(conn: asyncpg.Connection) -> None:
        seen.append(await conn.fetchval("""SELECT '{"codecs": true}'::jsonb"""))

    driver_pool.on_connect(engine, hook)
    try:
        async with request_transaction(engine) as conn:
            assert await conn.fetchval("SELECT 1") == 1
        assert seen == [{"codecs": True}]
    finally:
        await engine.dispose()
