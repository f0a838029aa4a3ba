"""Queries of the idempotency records."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.jsonio import dumps


async def try_lock(conn: AsyncConnection, scope: str, key: str) -> bool:
    """Take the key's transaction-scoped advisory lock, without waiting."""
    # PostgreSQL text cannot hold NUL; a scope (an org id or "platform") never holds ':', so
    # the pair still maps to one string.
    locked = await conn.scalar(
        text("SELECT pg_try_advisory_xact_lock(hashtextextended(:k, 0))"),
        {"k": f"{scope}:{key}"},
    )
    return bool(locked)


async def find_fresh(conn: AsyncConnection, scope: str, key: str) -> Any:
    """The stored response of a key used within the last 24 hours, if any."""
    result = await conn.execute(
        text(
            "SELECT request_hash, response_status, response_body, response_headers"
            " FROM idempotency_records WHERE caller = :c AND key = :k"
            " AND created_at > now() - interval '24 hours'"
        ),
        {"c": scope, "k": key},
    )
    return result.first()


async def save(
    conn: AsyncConnection,
    scope: str,
    key: str,
    request_hash: str,
    status: int,
    body: bytes,
    headers: dict[str, str],
) -> None:
    """Store a response; a record older than 24 hours under the same key is replaced."""
    await conn.execute(
        text(
            "INSERT INTO idempotency_records"
            " (caller, key, request_hash, response_status, response_body, response_headers,"
            "  created_at)"
            " VALUES (:c, :k, :h, :s, :b, CAST(:hd AS jsonb), now())"
            " ON CONFLICT (caller, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,"
            "  response_status = EXCLUDED.response_status,"
            "  response_body = EXCLUDED.response_body,"
            "  response_headers = EXCLUDED.response_headers, created_at = now()"
        ),
        {
            "c": scope,
            "k": key,
            "h": request_hash,
            "s": status,
            "b": body,
            "hd": dumps(headers).decode(),
        },
    )


async def purge_expired(conn: AsyncConnection) -> int:
    """Delete records older than 24 hours."""
    result = await conn.execute(
        text("DELETE FROM idempotency_records WHERE created_at <= now() - interval '24 hours'")
    )
    return int(result.rowcount or 0)
