"""The requests' and the loops' transactions, one transaction of the driver's each, for the
statements of :mod:`partnerbilling.sql`: a request's on a connection of the engine's driver pool
(:class:`request_transaction`, :mod:`partnerbilling.driver_pool`); the loops', the jobs' and the
tests' on a connection of the engine's own pool, SQLAlchemy in autocommit mode on top
(:class:`transaction`, :func:`connection` and :func:`in_transaction`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType

import asyncpg
from asyncpg.transaction import Transaction
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from partnerbilling import driver_pool
from partnerbilling.sql import driver, held, hold, let_go

log = logging.getLogger(__name__)


@asynccontextmanager
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A pooled connection for :func:`in_transaction` blocks (a long-running loop's): SQLAlchemy
    in autocommit mode (the engine's), the transactions are the driver's, and statements run through
    :mod:`partnerbilling.sql`. A connection the server dropped is discarded, not returned to
    the pool."""
    async with engine.connect() as conn:
        with held(conn) as raw:
            try:
                yield conn
            except BaseException:
                await _discard_if_closed(conn, raw)
                raise


async def _discard_if_closed(conn: AsyncConnection, raw: asyncpg.Connection) -> None:
    # SQLAlchemy invalidates a connection its own statements found broken; the driver's ones
    # only close it.
    if not conn.invalidated and raw.is_closed():
        await conn.invalidate()


@asynccontextmanager
async def in_transaction(conn: AsyncConnection, *, snapshot: bool = False) -> AsyncIterator[AsyncConnection]:
    """One transaction on a connection from :func:`connection`, for the statements of
    :mod:`partnerbilling.sql`: committed on success, rolled back on any error. With
    ``snapshot``, a read-only one that sees the database as it was at its first statement
    (repeatable read)."""
    raw = driver(conn)
    tx = await _begin(raw, snapshot)
    try:
        yield conn
    except BaseException:
        await _roll_back(tx, raw)
        raise
    await tx.commit()


async def _begin(raw: asyncpg.Connection, snapshot: bool) -> Transaction:
    tx = raw.transaction(isolation="repeatable_read", readonly=True) if snapshot else raw.transaction()
    try:
        await tx.start()
    except BaseException:
        # A connection that cannot even begin (closed, or left busy by a cancelled statement)
        # is discarded.
        raw.terminate()
        raise
    return tx


async def _roll_back(tx: Transaction, raw: asyncpg.Connection) -> None:
    try:
        await tx.rollback()
    except Exception as failure:
        # The connection is broken (the server went away, or a statement was cut off in the
        # middle): the first error is the one to report; the connection is discarded.
        log.warning("rollback failed, closing the connection: %r", failure)
        raw.terminate()


async def _end(tx: Transaction, raw: asyncpg.Connection, exc: BaseException | None) -> None:
    """COMMIT after a block that ended well, else ROLLBACK."""
    if exc is None:
        await tx.commit()
    else:
        await _roll_back(tx, raw)


class transaction:
    """One connection in one transaction: committed on success, rolled back on any error (read
    only and repeatable read with ``snapshot``, see :func:`in_transaction`). The same as
    :func:`in_transaction` inside :func:`connection`, written out as one context manager since
    every unit of work of the loops and jobs opens one (a request opens a
    :class:`request_transaction`)."""

    __slots__ = ("_conn", "_connecting", "_engine", "_raw", "_snapshot", "_tx")

    def __init__(self, engine: AsyncEngine, *, snapshot: bool = False) -> None:
        self._engine = engine
        self._snapshot = snapshot

    async def __aenter__(self) -> AsyncConnection:
        self._connecting = self._engine.connect()
        conn = self._conn = await self._connecting.__aenter__()
        self._raw = raw = hold(conn)
        try:
            self._tx = await _begin(raw, self._snapshot)
        except BaseException as exc:
            await self._release(exc)
            raise
        return conn

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await _end(self._tx, self._raw, exc)
        except BaseException as failure:
            await self._release(failure)
            raise
        await self._release(exc)

    async def _release(self, exc: BaseException | None) -> None:
        """Back to the pool (SQLAlchemy's exit closes it whatever the error), discarded if the
        server dropped it."""
        let_go(self._conn)
        try:
            if exc is not None:
                await _discard_if_closed(self._conn, self._raw)
        finally:
            await self._connecting.__aexit__(None, None, None)


class request_transaction:
    """:class:`transaction` on a connection of the engine's driver pool
    (:mod:`partnerbilling.driver_pool`), for a request: the same transaction, without
    SQLAlchemy's checkout and return. Yields the driver connection itself."""

    __slots__ = ("_engine", "_pool", "_raw", "_snapshot", "_tx")

    def __init__(self, engine: AsyncEngine, *, snapshot: bool = False) -> None:
        self._engine = engine
        self._snapshot = snapshot

    async def __aenter__(self) -> asyncpg.Connection:
        pool = self._pool = await driver_pool.pool_of(self._engine)
        raw = self._raw = await pool.acquire(timeout=driver_pool.wait_seconds(self._engine))
        try:
            self._tx = await _begin(raw, self._snapshot)
        except BaseException:
            await pool.release(raw)
            raise
        return raw

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await _end(self._tx, self._raw, exc)
        finally:
            # A connection the server dropped, or left busy, is replaced by the pool.
            await self._pool.release(self._raw)
