"""How an exception that no handler took is answered: a body over the limit, then the database's
failures (unreachable, too slow, a collision, a value it cannot store) by SQLSTATE and driver
error class, whichever path raised them. The web layer's last-resort guard and the renewal runner
both use it."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import exc as sa_exc

_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57P")
_TIMEOUT_SQLSTATES = ("57014", "55P03")  # statement timeout / lock not available


class BodyTooLarge(Exception):
    pass


def classify_exception(exc: BaseException) -> tuple[int, str, str]:
    """``(status, code, detail)`` for an exception no handler took."""
    if isinstance(exc, BodyTooLarge):
        return 413, "payload_too_large", "The request body is larger than the limit of 1 MiB."
    sqlstate = _sqlstate(exc)
    if sqlstate in _TIMEOUT_SQLSTATES or isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return 503, "timeout", "The database did not answer in time; retry the request."
    if isinstance(exc, sa_exc.TimeoutError):
        return 503, "service_unavailable", "No database connection was free in time; retry."
    if (
        any(isinstance(e, _CONNECTION_ERRORS) for e in exception_chain(exc))
        or (isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated)
        or (sqlstate or "").startswith(_UNAVAILABLE_SQLSTATE_CLASSES)
    ):
        return 503, "service_unavailable", "The database is unreachable; retry the request."
    if sqlstate in ("40001", "40P01"):
        return 503, "conflict_retry", "The request collided with another one; retry it."
    if sqlstate is not None and sqlstate.startswith("22"):
        # A data exception: a value the database cannot store, such as a NUL character in a
        # path, query or body string that no schema rule caught. Bad input, never a 500.
        return 422, "validation_error", "The request contains a value that cannot be stored."
    return 500, "internal_error", "An unexpected error occurred; it has been logged."


# The connection is gone or unusable. The precompiled statements (partnerbilling.sql) raise
# the driver's own errors, SQLAlchemy wraps them.
_CONNECTION_ERRORS = (
    OSError,
    ConnectionError,
    sa_exc.InterfaceError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,  # a connection left busy by a cancelled statement
)


def exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it wraps (SQLAlchemy's ``orig``, then causes)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = getattr(current, "orig", None) or current.__cause__
    return chain


def _sqlstate(exc: BaseException) -> str | None:
    for current in exception_chain(exc):
        for attr in ("sqlstate", "pgcode"):
            value = getattr(current, attr, None)
            if isinstance(value, str):
                return value
    return None
