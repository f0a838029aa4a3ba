"""The idempotency records' queries: a stored response comes back as a typed record, expired ones
are neither found nor kept."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.idempotency import repository
from partnerbilling.idempotency.domain import StoredResponse


async def test_a_saved_response_is_found_as_a_typed_record(db: AsyncEngine) -> None:
    headers = {"content-type": "application/json", "location": "/v1/orders/ord_1"}
    async with transaction(db) as conn:
        assert await repository.try_lock(conn, "org_1", "key-1")
        await repository.save(conn, "org_1", "key-1", "hash", 201, b'{"id":"ord_1"}', headers)
    async with transaction(db) as conn:
        found = await repository.find_fresh(conn, "org_1", "key-1")
        other_scope = await repository.find_fresh(conn, "org_2", "key-1")
    assert found == StoredResponse("hash", 201, b'{"id":"ord_1"}', headers)
    assert other_scope is None


async def test_an_expired_record_is_not_found_and_purging_counts_it(db: AsyncEngine) -> None:
    async with transaction(db) as conn:
        await repository.save(conn, "org_1", "old", "hash", 200, b"{}", {})
        await repository.save(conn, "org_1", "new", "hash", 200, b"{}", {})
        age = "UPDATE idempotency_records SET created_at = now() - interval '25 hours' WHERE key = 'old'"
        await conn.execute(text(age))
    async with transaction(db) as conn:
        assert await repository.find_fresh(conn, "org_1", "old") is None
        assert await repository.purge_expired(conn) == 1
        assert await repository.find_fresh(conn, "org_1", "new") is not None
