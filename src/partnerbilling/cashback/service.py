"""Cashback read as a whole: the partner's entries as a CSV export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling import exports
from partnerbilling.cashback import export, repository
from partnerbilling.cashback.domain import ExportedCashbackEntry
from partnerbilling.exports import Period, stream_csv
from partnerbilling.sql import Connection


async def export_entries(
    conn: Connection, engine: AsyncEngine, partner_id: str, period: Period
) -> AsyncIterator[bytes]:
    """The partner's cashback entries earned in ``period`` as CSV, oldest first (SPEC §12),
    read in batches as the file is sent."""

    async def read(batch_conn: Connection, after: tuple[datetime, str]) -> list[ExportedCashbackEntry]:
        return await repository.export_batch(batch_conn, partner_id, period.end, after, exports.BATCH_SIZE)

    return await stream_csv(
        conn, engine, period, export.HEADER, read, lambda entry: export.entry_rows(partner_id, entry)
    )
