"""The one way a statement runs: a SQLAlchemy Core statement compiled to the text asyncpg
receives, run on the transaction's asyncpg connection, its rows made into typed objects, and a
database refusal the services act on turned into the service's own error here.

SQLAlchemy's execution layer costs about 0.1–0.2 ms of CPU per statement (cache lookup, cursor
adaptation, result rows), more than PostgreSQL spends on a primary-key lookup. The statements
that every order, renewal and list page runs are :class:`Statement` objects, compiled once at
import; they are still written as Core statements (or ``text()``), so that the SQL reads the
same and the parameters are named. A statement built per call (:func:`fetch_all`,
:func:`fetch_one`, :func:`execute`) is compiled the same way when it runs.

They run on a request's driver connection (:class:`partnerbilling.transactions.request_transaction`)
or on the one under a SQLAlchemy connection of the engine's pool, in autocommit mode on top
(:func:`partnerbilling.db.transaction`), where a Core statement run on it joins the same
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

import asyncpg
import orjson
from sqlalchemy import ARRAY, Boolean
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine

from partnerbilling.errors import DuplicateKey

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# The engine's JSON settings (make_engine): JSONB parameters are serialised as it would.
_DIALECT = PGDialect_asyncpg(json_serializer=lambda value: orjson.dumps(value).decode())  # type: ignore[no-untyped-call]


T = TypeVar("T")
# What a statement runs on: a request's driver connection (partnerbilling.driver_pool), or a
# SQLAlchemy connection of the engine's pool (the loops', the jobs', a test's).
Connection: TypeAlias = AsyncConnection | asyncpg.Connection
# What a row becomes: a frozen domain object (or any callable) taking the columns by name.
Into = Callable[..., T]


class NotInTransaction(RuntimeError):
    """A precompiled statement ran outside a transaction (a programming error)."""


# The driver connection under each connection that partnerbilling.db.connection() holds open:
# one dictionary lookup per statement instead of three proxies' properties.
_open: dict[int, tuple[AsyncConnection, asyncpg.Connection]] = {}


def driver(conn: Connection) -> asyncpg.Connection:
    """The asyncpg connection itself (a request's), or the one under a SQLAlchemy connection:
    the one :func:`hold` remembered for it, else read through SQLAlchemy's proxies."""
    if not isinstance(conn, AsyncConnection):
        return conn
    entry = _open.get(id(conn))
    if entry is not None and entry[0] is conn:
        return entry[1]
    return cast(asyncpg.Connection, conn.sync_connection.connection.driver_connection)  # type: ignore[union-attr]


class Statement:
    """One statement, compiled once; its parameters are passed by name."""

    __slots__ = ("_conversions", "_lookups", "_plain", "names", "sql")

    _MISSING = object()

    def __init__(self, stmt: ClauseElement, column_keys: list[str] | None = None) -> None:
        compiled = cast(
            SQLCompiler,
            # Post-compile rendering writes an IN list's values as parameters of their own.
            stmt.compile(
                dialect=_DIALECT, column_keys=column_keys, compile_kwargs={"render_postcompile": True}
            ),
        )
        self.sql = str(compiled)
        # (name, the type's conversion if any, the value of a literal written into the statement)
        params: list[tuple[str, Callable[[Any], Any] | None, object]] = []
        expanded: Mapping[str, object] | None = None
        for name in compiled.positiontup or []:
            bind = compiled.binds.get(name)
            if bind is None:  # one value of an IN list, rendered as a parameter of its own
                bind = compiled.binds[name.rsplit("_", 1)[0]]
                if expanded is None:
                    expanded = compiled.construct_params()
                literal = expanded[name]
            else:
                literal = self._MISSING if bind.required else bind.effective_value
            params.append((name, _conversion(bind.type), literal))
        self.names = tuple(name for name, _, _ in params)
        # Most parameters take the value as it is: one lookup each, then the few conversions.
        self._lookups = tuple((name, literal) for name, _, literal in params)
        self._conversions = tuple((i, process) for i, (_, process, _) in enumerate(params) if process)
        self._plain = not self._conversions and all(literal is self._MISSING for _, literal in self._lookups)

    def _args(self, values: Mapping[str, object]) -> list[object]:
        if self._plain:
            return [values[name] for name in self.names]
        missing = self._MISSING
        args = [
            values[name] if literal is missing else values.get(name, literal)
            for name, literal in self._lookups
        ]
        for i, process in self._conversions:
            if args[i] is not None:
                args[i] = process(args[i])
        return args

    async def _send(self, conn: Connection, method: str, values: Mapping[str, object]) -> Any:
        """The statement through one of asyncpg's methods; a database refusal a service may act
        on becomes the service's own error, any other passes as it is
        (:mod:`partnerbilling.failures` answers those)."""
        raw = _driver_in_transaction(conn)
        try:
            return await getattr(raw, method)(self.sql, *self._args(values))
        except asyncpg.UniqueViolationError as exc:
            raise DuplicateKey(str(exc.constraint_name or "")) from exc

    async def rows(self, conn: Connection, values: Mapping[str, object], into: Into[T]) -> list[T]:
        """All rows, each made into ``into`` by column name."""
        records = await self._send(conn, "fetch", values)
        return [into(**record) for record in records]

    async def row(self, conn: Connection, values: Mapping[str, object], into: Into[T]) -> T | None:
        """The first row made into ``into``, or None."""
        record = await self._send(conn, "fetchrow", values)
        return None if record is None else into(**record)

    async def value(self, conn: Connection, values: Mapping[str, object]) -> Any:
        """The first column of the first row, or None."""
        return await self._send(conn, "fetchval", values)

    async def execute(self, conn: Connection, values: Mapping[str, object]) -> int:
        """Run it; the number of rows it touched (0 for a statement that reports none)."""
        status: str = await self._send(conn, "execute", values)
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else 0


def _conversion(type_: TypeEngine[Any]) -> Callable[[Any], Any] | None:
    """What a value of the column type goes through on its way to asyncpg: the dialect's bind
    processor, except where asyncpg takes the Python value as it is (a boolean, an array of
    values that need no conversion), which saves a call per value and row."""
    impl = type_.dialect_impl(_DIALECT)
    if isinstance(impl, Boolean):
        return None
    if isinstance(impl, ARRAY) and _conversion(impl.item_type) is None:
        return None
    process: Callable[[Any], Any] | None = impl.bind_processor(_DIALECT)
    return process


def column_values(obj: DataclassInstance) -> dict[str, object]:
    """A domain object's fields by name, a statement's parameters: the inverse of ``into``."""
    return {field.name: getattr(obj, field.name) for field in fields(obj)}


async def fetch_all(conn: Connection, stmt: ClauseElement, into: Into[T]) -> list[T]:
    """The rows of a statement built for this call (its values bound in it)."""
    return await Statement(stmt).rows(conn, {}, into)


async def fetch_one(conn: Connection, stmt: ClauseElement, into: Into[T]) -> T | None:
    """The first row of a statement built for this call, or None."""
    return await Statement(stmt).row(conn, {}, into)


async def fetch_value(conn: Connection, stmt: ClauseElement) -> Any:
    """The first column of the first row of a statement built for this call, or None."""
    return await Statement(stmt).value(conn, {})


async def execute(conn: Connection, stmt: ClauseElement) -> int:
    """Run a statement built for this call; the number of rows it touched."""
    return await Statement(stmt).execute(conn, {})


def hold(conn: AsyncConnection) -> asyncpg.Connection:
    """The driver connection under ``conn``, remembered for its statements until :func:`let_go`."""
    raw = driver(conn)
    _open[id(conn)] = (conn, raw)
    return raw


def let_go(conn: AsyncConnection) -> None:
    _open.pop(id(conn), None)


@contextmanager
def held(conn: AsyncConnection) -> Iterator[asyncpg.Connection]:
    """:func:`hold` for the block."""
    try:
        yield hold(conn)
    finally:
        let_go(conn)


def _driver_in_transaction(conn: Connection) -> asyncpg.Connection:
    raw = driver(conn)
    if not raw.is_in_transaction():
        raise NotInTransaction("precompiled statements run in a transaction (partnerbilling.transactions)")
    return raw
