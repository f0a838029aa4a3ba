"""One transaction per unit of work, shared by SQLAlchemy statements and the precompiled ones
that run on the driver; and the driver's connection errors answered as the database's."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import connection, transaction
from partnerbilling.failures import classify_exception
from partnerbilling.sql import NotInTransaction, Statement

_COUNT = Statement(text("SELECT count(*) FROM reseller_tiers"))
_ADD = Statement(
    text(
        "INSERT INTO reseller_tiers (code, name, default_rate, rates, updated_at)"
        " VALUES (:code, 'T', 0, '{}', now())"
    )
)


async def test_both_kinds_of_statement_commit_or_roll_back_together(db: AsyncEngine) -> None:
    async with transaction(db) as conn:
        await _ADD.execute(conn, {"code": "a"})
        await conn.execute(text("INSERT INTO reseller_tiers VALUES ('b', 'T', 0, '{}', now())"))
        assert await _COUNT.value(conn, {}) == 2
    with pytest.raises(RuntimeError):
        async with transaction(db) as conn:
            await _ADD.execute(conn, {"code": "c"})
            await conn.execute(text("INSERT INTO reseller_tiers VALUES ('d', 'T', 0, '{}', now())"))
            raise RuntimeError("undo")
    async with transaction(db) as conn:
        codes = (await conn.execute(text("SELECT code FROM reseller_tiers ORDER BY code"))).scalars().all()
    assert codes == ["a", "b"]


async def test_a_precompiled_statement_refuses_to_run_outside_a_transaction(db: AsyncEngine) -> None:
    async with connection(db) as conn:
        with pytest.raises(NotInTransaction):
            await _ADD.execute(conn, {"code": "x"})
    async with transaction(db) as conn:
        assert await _COUNT.value(conn, {}) == 0


_TERMINATE = "SELECT pg_terminate_backend(pg_backend_pid())"


@pytest.mark.parametrize("path", ["precompiled", "sqlalchemy"])
async def test_a_connection_the_server_dropped_is_not_reused(db: AsyncEngine, path: str) -> None:
    with pytest.raises(Exception) as dropped:
        async with transaction(db) as conn:
            if path == "precompiled":
                await Statement(text(_TERMINATE)).value(conn, {})
            else:
                await conn.execute(text(_TERMINATE))
    assert classify_exception(dropped.value)[0] == 503
    # More units of work than the pool holds connections: none gets the dropped one.
    for _ in range(12):
        async with transaction(db) as conn:
            assert await _COUNT.value(conn, {}) == 0


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.InterfaceError("connection is closed"),
        asyncpg.exceptions.InternalClientError("cannot switch to state 15; another operation is in progress"),
    ],
)
def test_the_drivers_connection_errors_are_503(error: Exception) -> None:
    assert classify_exception(error)[:2] == (503, "service_unavailable")
