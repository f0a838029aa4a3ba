"""A snapshot transaction (the invariants check's): read only, and it keeps seeing the database as
it was at its first statement while others commit."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.sql import execute, fetch_value

_COUNT = text("SELECT count(*) FROM organizations")
_ADD = text(
    "INSERT INTO organizations (id, name, billing_email, currency, vat_rate, created_at, updated_at)"
    " VALUES (:id, 'Late', 'late@example.com', 'EUR', 0.2, now(), now())"
)


async def test_a_snapshot_does_not_see_a_later_commit(db: AsyncEngine) -> None:
    async with transaction(db, snapshot=True) as snapshot:
        before = await fetch_value(snapshot, _COUNT)
        async with transaction(db) as other:
            await execute(other, _ADD.bindparams(id="org_late"))
        assert await fetch_value(snapshot, _COUNT) == before
    async with transaction(db) as conn:
        assert await fetch_value(conn, _COUNT) == before + 1


async def test_a_snapshot_refuses_to_write(db: AsyncEngine) -> None:
    with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
        async with transaction(db, snapshot=True) as snapshot:
            await execute(snapshot, _ADD.bindparams(id="org_refused"))
    async with transaction(db) as conn:
        refused = text("SELECT count(*) FROM organizations WHERE id = 'org_refused'")
        assert await fetch_value(conn, refused) == 0
