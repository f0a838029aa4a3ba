"""The issuer's time zone: the one place that says in which zone the schedules' cron expressions
and the archive's days are read."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from partnerbilling.sql import Connection

DEFAULT_TIME_ZONE = "Europe/Zurich"


async def issuer_time_zone(conn: Connection) -> ZoneInfo:
    """The issuer's time zone (the issuer has no zone of its own yet: the provider's, Zurich)."""
    del conn  # read from the issuer once it has a time_zone
    return ZoneInfo(DEFAULT_TIME_ZONE)
