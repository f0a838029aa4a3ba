"""Queries of the issuer (one row, id 1)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from partnerbilling.issuer.domain import DEFAULT_TIME_ZONE, ISSUER_ID, Issuer
from partnerbilling.issuer.models import Issuer as Issuers
from partnerbilling.sql import Connection, column_values, fetch_one, fetch_value


async def get(conn: Connection, *, for_update: bool = False) -> Issuer | None:
    """The issuer, or None before the platform configures it; locked with ``for_update``."""
    stmt = select(Issuers).where(Issuers.id == ISSUER_ID)
    return await fetch_one(conn, stmt.with_for_update() if for_update else stmt, Issuer)


async def zone(conn: Connection) -> ZoneInfo:
    """The zone of the issuer's calendar dates (Europe/Zurich before it is configured)."""
    time_zone = await fetch_value(conn, select(Issuers.time_zone).where(Issuers.id == ISSUER_ID))
    return ZoneInfo(time_zone or DEFAULT_TIME_ZONE)


async def put(conn: Connection, issuer: Issuer) -> Issuer:
    """Write the issuer, replacing the one there was."""
    values = column_values(issuer)
    stmt = insert(Issuers).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Issuers.id], set_={k: stmt.excluded[k] for k in values if k != "id"}
    )
    put = await fetch_one(conn, stmt.returning(Issuers), Issuer)
    assert put is not None  # an upsert … RETURNING returns its row
    return put
