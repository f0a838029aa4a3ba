"""The issuer's time zone: the one place that says in which zone the schedules' cron expressions
and the archive's days are read."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from partnerbilling.issuer import repository
from partnerbilling.sql import Connection

DEFAULT_TIME_ZONE = "Europe/Zurich"


async def issuer_time_zone(conn: Connection) -> ZoneInfo:
    """The issuer's time zone; the default one (Zurich) before the issuer is configured."""
    issuer = await repository.get(conn)
    return ZoneInfo(DEFAULT_TIME_ZONE if issuer is None else issuer.time_zone)
