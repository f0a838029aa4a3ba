"""The requests' connections: an asyncpg pool beside the engine, on the same database and with
the same session settings and JSON codecs.

A request runs its statements on the driver (:mod:`partnerbilling.sql`) in the driver's
transaction, so SQLAlchemy's pool gives it nothing but the connection, and its checkout and
return cost two greenlet hops per request. The engine (:func:`partnerbilling.db.make_engine`)
registers how its connections are made; the pool is opened on the first request's loop, holds up
to the engine's own bound (``pool_size`` + ``max_overflow``), and is closed with the engine.
The long-running loops, the jobs and Alembic keep the engine's pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import asyncpg
import orjson
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

# What runs on a new connection.
Hook = Callable[[asyncpg.Connection], Awaitable[None]]


@dataclass(frozen=True)
class PoolConfig:
    """How the engine makes its connections (asyncpg's ``connect`` arguments), its bound, and
    how long a request waits for a connection."""

    connect: Mapping[str, Any]
    size: int
    wait_seconds: float
    # Run on each new connection after the codecs (a query logger, for one).
    on_connect: Hook | None = None


_configs: dict[int, PoolConfig] = {}
_pools: dict[int, asyncpg.Pool] = {}
_opening: dict[int, asyncio.Task[asyncpg.Pool]] = {}


def register(engine: AsyncEngine, config: PoolConfig) -> None:
    """Remember how ``engine`` connects; its pool, once opened, is terminated when the engine is
    disposed of (:func:`close` first, for a graceful close)."""
    key = id(engine)
    _configs[key] = config
    stale = _pools.pop(key, None)  # an engine at the same address before, never disposed of
    if stale is not None:
        stale.terminate()

    def disposed(_: Engine) -> None:
        pool = _pools.pop(key, None)
        if pool is not None:
            pool.terminate()

    event.listen(engine.sync_engine, "engine_disposed", disposed)


async def pool_of(engine: AsyncEngine) -> asyncpg.Pool:
    """The engine's driver pool, opened on first use (once, however many requests ask)."""
    key = id(engine)
    pool = _pools.get(key)
    if pool is not None:
        return pool
    opening = _opening.get(key)
    if opening is None:
        opening = _opening[key] = asyncio.ensure_future(_open(_configs[key]))
    try:
        pool = await asyncio.shield(opening)
    finally:
        if opening.done():
            _opening.pop(key, None)
    _pools[key] = pool
    return pool


def on_connect(engine: AsyncEngine, hook: Hook) -> None:
    """Run ``hook`` on each connection the engine's driver pool opens; before its first request."""
    _configs[id(engine)] = replace(_configs[id(engine)], on_connect=hook)


def wait_seconds(engine: AsyncEngine) -> float:
    """How long a request waits for a connection of the engine's driver pool."""
    return _configs[id(engine)].wait_seconds


async def close(engine: AsyncEngine) -> None:
    """Close the engine's driver pool gracefully, if it was opened."""
    pool = _pools.pop(id(engine), None)
    if pool is not None:
        await pool.close()


async def _open(config: PoolConfig) -> asyncpg.Pool:
    pool: asyncpg.Pool = await asyncpg.create_pool(
        min_size=0,  # opened on demand, as the engine's pool
        max_size=config.size,
        init=_codecs if config.on_connect is None else _then(config.on_connect),
        reset=_reset,
        **config.connect,
    )
    return pool


def _then(hook: Hook) -> Hook:
    async def init(conn: asyncpg.Connection) -> None:
        await _codecs(conn)
        await hook(conn)

    return init


async def _codecs(conn: asyncpg.Connection) -> None:
    """The engine's JSON codecs (SQLAlchemy's asyncpg dialect with orjson): parameters arrive
    serialised by :mod:`partnerbilling.sql`, values come back parsed."""
    await conn.set_type_codec(
        "json", encoder=str.encode, decoder=orjson.loads, schema="pg_catalog", format="binary"
    )
    await conn.set_type_codec(
        "jsonb",
        encoder=lambda text: b"\x01" + text.encode(),  # jsonb's binary format: a version byte
        decoder=lambda data: orjson.loads(data[1:]),
        schema="pg_catalog",
        format="binary",
    )


async def _reset(conn: asyncpg.Connection) -> None:
    """Nothing beyond asyncpg's own clean-up (which rolls back a transaction a request left open
    when it was cut off): every transaction ends in COMMIT or ROLLBACK, and the default reset
    would send one more round trip per request."""
