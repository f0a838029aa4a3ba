"""The schedules (SPEC §15): which run each one starts, and when, pure.

A cron expression is read in the issuer's time zone, so ``0 2 * * *`` is 02:00 in Zurich in
winter and in summer alike. The time that is due is the latest scheduled time at or before now:
a worker that comes back after missing several starts the latest one only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim

from partnerbilling.jobs.domain import JobKind
from partnerbilling.settings import Settings

_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Schedule:
    name: str
    cron: str  # empty: disabled
    kind: JobKind

    @property
    def enabled(self) -> bool:
        return bool(self.cron)

    def latest_at_or_before(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """The latest scheduled time at or before ``now`` (UTC), None if disabled."""
        if not self.enabled:
            return None
        # CronSim's reverse walk starts before the moment it is given: one second on includes now.
        start = (now + _SECOND).astimezone(zone).replace(microsecond=0)
        return next(CronSim(self.cron, start, reverse=True)).astimezone(UTC)

    def next_after(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """The first scheduled time after ``now`` (UTC), None if disabled."""
        if not self.enabled:
            return None
        return next(CronSim(self.cron, now.astimezone(zone))).astimezone(UTC)


def schedules(settings: Settings) -> list[Schedule]:
    """Every schedule, in the settings' order (a disabled one too: the list shows it)."""
    return [
        Schedule("renewals", settings.schedule_renewals, JobKind.RENEWALS),
        Schedule("dunning", settings.schedule_dunning, JobKind.DUNNING),
        Schedule("close", settings.schedule_close, JobKind.CLOSE),
        Schedule("retention", settings.schedule_retention, JobKind.RETENTION),
        Schedule("seal", settings.schedule_seal, JobKind.SEAL),
    ]
