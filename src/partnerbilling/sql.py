"""The one way a statement runs: a SQLAlchemy Core statement compiled to the text asyncpg
receives, run on the transaction's asyncpg connection, its rows made into typed objects, and a
database refusal the services act on turned into the service's own error here.

SQLAlchemy's execution layer costs about 0.1–0.2 ms of CPU per statement (cache lookup, cursor
adaptation, result rows), more than PostgreSQL spends on a primary-key lookup. The statements
that every order, renewal and list page runs are :class:`Statement` objects, compiled once at
import; they are still written as Core statements (or ``text()``), so that the SQL reads the
same and the parameters are named. A statement built per call (:func:`fetch_all`,
:func:`fetch_one`, :func:`execute`) is compiled the same way when it runs.

Both share one transaction: :func:`partnerbilling.db.transaction` opens it on the driver
connection, with the SQLAlchemy connection in autocommit mode on top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar, cast

import asyncpg
import orjson
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from partnerbilling.errors import DuplicateKey

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# The engine's JSON settings (make_engine): JSONB parameters are serialised as it would.
_DIALECT = PGDialect_asyncpg(json_serializer=lambda value: orjson.dumps(value).decode())  # type: ignore[no-untyped-call]


T = TypeVar("T")
# What a row becomes: a frozen domain object (or any callable) taking the columns by name.
Into = Callable[..., T]


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
            process = bind.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
            params.append((name, process, literal))
        self._params = params
        self.names = tuple(name for name, _, _ in params)

    def _args(self, values: Mapping[str, object]) -> list[object]:
        args = []
        for name, process, literal in self._params:
            value = values[name] if literal is self._MISSING else values.get(name, literal)
            args.append(process(value) if process is not None and value is not None else value)
        return args

    async def rows(self, conn: AsyncConnection, values: Mapping[str, object], into: Into[T]) -> list[T]:
        """All rows, each made into ``into`` by column name."""
        with _translated_errors():
            records = await _checked(conn).fetch(self.sql, *self._args(values))
        return [into(**record) for record in records]

    async def row(self, conn: AsyncConnection, values: Mapping[str, object], into: Into[T]) -> T | None:
        """The first row made into ``into``, or None."""
        with _translated_errors():
            record = await _checked(conn).fetchrow(self.sql, *self._args(values))
        return None if record is None else into(**record)

    async def value(self, conn: AsyncConnection, values: Mapping[str, object]) -> Any:
        """The first column of the first row, or None."""
        with _translated_errors():
            return await _checked(conn).fetchval(self.sql, *self._args(values))

    async def execute(self, conn: AsyncConnection, values: Mapping[str, object]) -> int:
        """Run it; the number of rows it touched (0 for a statement that reports none)."""
        with _translated_errors():
            status = await _checked(conn).execute(self.sql, *self._args(values))
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else 0


def column_values(obj: DataclassInstance) -> dict[str, object]:
    """A domain object's fields by name, a statement's parameters: the inverse of ``into``."""
    return {field.name: getattr(obj, field.name) for field in fields(obj)}


async def fetch_all(conn: AsyncConnection, stmt: ClauseElement, into: Into[T]) -> list[T]:
    """The rows of a statement built for this call (its values bound in it)."""
    return await Statement(stmt).rows(conn, {}, into)


async def fetch_one(conn: AsyncConnection, stmt: ClauseElement, into: Into[T]) -> T | None:
    """The first row of a statement built for this call, or None."""
    return await Statement(stmt).row(conn, {}, into)


async def fetch_value(conn: AsyncConnection, stmt: ClauseElement) -> Any:
    """The first column of the first row of a statement built for this call, or None."""
    return await Statement(stmt).value(conn, {})


async def execute(conn: AsyncConnection, stmt: ClauseElement) -> int:
    """Run a statement built for this call; the number of rows it touched."""
    return await Statement(stmt).execute(conn, {})


@contextmanager
def _translated_errors() -> Iterator[None]:
    """A database refusal a service may act on becomes the service's own error; any other error
    passes as it is (:mod:`partnerbilling.failures` answers those)."""
    try:
        yield
    except asyncpg.UniqueViolationError as exc:
        raise DuplicateKey(str(exc.constraint_name or "")) from exc


def _checked(conn: AsyncConnection) -> asyncpg.Connection:
    raw = driver(conn)
    if not raw.is_in_transaction():
        raise NotInTransaction("precompiled statements run inside partnerbilling.db.transaction()")
    return raw
