"""Queries of the idempotency records. Every POST with an idempotency key runs the first three:
precompiled (partnerbilling.sql)."""

from sqlalchemy import text

from partnerbilling.idempotency.domain import StoredResponse
from partnerbilling.jsonio import dumps
from partnerbilling.sql import Connection, Statement

# PostgreSQL text cannot hold NUL; a scope (an org id or "platform") never holds ':', so the
# pair still maps to one string.
_TRY_LOCK = Statement(text("SELECT pg_try_advisory_xact_lock(hashtextextended(:k, 0))"))
_FIND_FRESH = Statement(
    text(
        "SELECT request_hash, response_status, response_body, response_headers"
        " FROM idempotency_records WHERE caller = :c AND key = :k"
        " AND created_at > now() - interval '24 hours'"
    )
)
_SAVE = Statement(
    text(
        "INSERT INTO idempotency_records"
        " (caller, key, request_hash, response_status, response_body, response_headers,"
        "  created_at)"
        " VALUES (:c, :k, :h, :s, :b, CAST(:hd AS jsonb), now())"
        " ON CONFLICT (caller, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,"
        "  response_status = EXCLUDED.response_status,"
        "  response_body = EXCLUDED.response_body,"
        "  response_headers = EXCLUDED.response_headers, created_at = now()"
    )
)
_PURGE_EXPIRED = Statement(
    text("DELETE FROM idempotency_records WHERE created_at <= now() - interval '24 hours'")
)


async def try_lock(conn: Connection, scope: str, key: str) -> bool:
    """Take the key's transaction-scoped advisory lock, without waiting."""
    return bool(await _TRY_LOCK.value(conn, {"k": f"{scope}:{key}"}))


async def find_fresh(conn: Connection, scope: str, key: str) -> StoredResponse | None:
    """The stored response of a key used within the last 24 hours, if any."""
    return await _FIND_FRESH.row(conn, {"c": scope, "k": key}, StoredResponse)


async def save(
    conn: Connection,
    scope: str,
    key: str,
    request_hash: str,
    status: int,
    body: bytes,
    headers: dict[str, str],
) -> None:
    """Store a response; a record older than 24 hours under the same key is replaced."""
    values = {"c": scope, "k": key, "h": request_hash, "s": status, "b": body, "hd": dumps(headers).decode()}
    await _SAVE.execute(conn, values)


async def purge_expired(conn: Connection) -> int:
    """Delete records older than 24 hours."""
    return await _PURGE_EXPIRED.execute(conn, {})
