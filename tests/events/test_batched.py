"""Events of a batched block: kept until the block ends, recorded in one statement in the same
transaction, and not at all when the block fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.events.models import Event
from partnerbilling.events.schemas import EventType
from partnerbilling.events.service import batched, emit
from partnerbilling.sql import fetch_value
from tests.support import Api, count

T1 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


async def test_a_batch_records_its_events_when_it_ends(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Batch AG")
    async with transaction(db) as conn:
        async with batched(conn):
            for minutes in (0, 2, 1):
                await emit(
                    conn,
                    EventType.ACCOUNT_CREDITED,
                    [org.id],
                    lambda v: {"n": 1},
                    T1 + timedelta(minutes=minutes),
                )
            pending = await fetch_value(
                conn, select(func.count()).select_from(Event).where(Event.org_id == org.id)
            )
            assert pending == 0
        recorded = await fetch_value(conn, select(func.max(Event.created_at)).where(Event.org_id == org.id))
        assert recorded == T1 + timedelta(minutes=2)  # dated by the last of them
    assert await count(db, "events", "org_id = :o AND type = 'account.credited'", o=org.id) == 3


async def test_a_failed_batch_records_nothing(api: Api, db: AsyncEngine) -> None:
    org = await api.org("Failing AG")
    with pytest.raises(RuntimeError):
        async with transaction(db) as conn, batched(conn):
            await emit(conn, EventType.ACCOUNT_CREDITED, [org.id], lambda v: {"n": 1}, T1)
            raise RuntimeError("the work failed")
    async with transaction(db) as conn:  # outside a batch, an event is recorded at once
        await emit(conn, EventType.ACCOUNT_CREDITED, [org.id], lambda v: {"n": 2}, T1)
        assert (
            await fetch_value(conn, select(func.count()).select_from(Event).where(Event.org_id == org.id))
            == 1
        )
