"""Precompiled statements for the hot paths: a SQLAlchemy Core statement, compiled once to the
text asyncpg receives, and run on the transaction's asyncpg connection directly.

SQLAlchemy's execution layer costs about 0.1–0.2 ms of CPU per statement (cache lookup, cursor
adaptation, result rows), more than PostgreSQL spends on a primary-key lookup. The statements
that every order, renewal and list page runs go through :class:`Statement` instead; they are
still written as Core statements (or ``text()``), so that the SQL reads the same and the
parameters are named. Everything else keeps using the SQLAlchemy connection.

Both share one transaction: :func:`partnerbilling.db.transaction` opens it on the driver
connection, with the SQLAlchemy connection in autocommit mode on top.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any, cast

import asyncpg
import orjson
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

# The engine's JSON settings (make_engine): JSONB parameters are serialised as it would.
_DIALECT = PGDialect_asyncpg(json_serializer=lambda value: orjson.dumps(value).decode())  # type: ignore[no-untyped-call]


class NotInTransaction(RuntimeError):
    """A precompiled statement ran outside a transaction (a programming error)."""


def driver(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy connection."""
    return cast(asyncpg.Connection, conn.sync_connection.connection.driver_connection)  # type: ignore[union-attr]


class Statement:
    """One statement, compiled once; its parameters are passed by name."""

    __slots__ = ("_params", "names", "sql")

    _MISSING = object()

    def __init__(self, stmt: ClauseElement, column_keys: list[str] | None = None) -> None:
        compiled = cast(SQLCompiler, stmt.compile(dialect=_DIALECT, column_keys=column_keys))
        self.sql = str(compiled)
        # (name, the type's conversion if any, the value of a literal written into the statement)
        params: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
        for name in compiled.positiontup or []:
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
            params.append((name, process, self._MISSING if bind.required else bind.effective_value))
        self._params = params
        self.names = tuple(name for name, _, _ in params)

    def _args(self, values: Mapping[str, Any]) -> list[Any]:
        args = []
        for name, process, literal in self._params:
            value = values[name] if literal is self._MISSING else values.get(name, literal)
            args.append(process(value) if process is not None and value is not None else value)
        return args

    async def rows(self, conn: AsyncConnection, values: Mapping[str, Any]) -> list[Any]:
        """All rows, each with attribute access."""
        records = await _checked(conn).fetch(self.sql, *self._args(values))
        return [SimpleNamespace(**record) for record in records]

    async def row(self, conn: AsyncConnection, values: Mapping[str, Any]) -> Any | None:
        """The first row, with attribute access, or None."""
        record = await _checked(conn).fetchrow(self.sql, *self._args(values))
        return None if record is None else SimpleNamespace(**record)

    async def value(self, conn: AsyncConnection, values: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        return await _checked(conn).fetchval(self.sql, *self._args(values))

    async def execute(self, conn: AsyncConnection, values: Mapping[str, Any]) -> None:
        await _checked(conn).execute(self.sql, *self._args(values))


def _checked(conn: AsyncConnection) -> asyncpg.Connection:
    raw = driver(conn)
    if not raw.is_in_transaction():
        raise NotInTransaction("precompiled statements run inside partnerbilling.db.transaction()")
    return raw
