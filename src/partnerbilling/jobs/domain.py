"""A job as the repository returns it, and the one rule of a resumed run's report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from partnerbilling.enums import LiteralEnum
from partnerbilling.jsonio import JSON

# How far ahead a run's ``as_of`` may lie (SPEC §13): a guard against a mistyped date (2207 for
# 2027) billing decades of renewals at once, and one that keeps every date a run computes from
# it (an as_of plus the dunning schedule's days) far from the calendar's end.
MAX_AHEAD = timedelta(days=366)


def check_as_of(as_of: datetime, now: datetime) -> datetime:
    """``as_of`` if it lies at most :data:`MAX_AHEAD` after ``now``; else ValueError."""
    if as_of > now + MAX_AHEAD:
        raise ValueError("must be at most one year ahead")
    return as_of


# How many failures a report lists (the rest are counted by code).
LISTED_FAILURES = 100


class JobKind(LiteralEnum):
    RENEWALS = "renewals"
    DUNNING = "dunning"
    # Started by the schedules (SPEC §15, §17). CLOSE is the monthly close.
    CLOSE = "close"
    RETENTION = "retention"
    SEAL = "seal"


class JobStatus(LiteralEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


ACTIVE = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    kind: str
    status: str
    as_of: datetime
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    lease_until: datetime | None
    attempts: int
    progress_done: int
    progress_total: int | None
    report: JSON | None
    error: str | None

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.COMPLETED, JobStatus.FAILED)


def merge_reports(saved: JSON | None, resumed: JSON) -> JSON:
    """The report of a job resumed by another worker: what the first saved (at its last
    heartbeat) plus what the resumed run did. Counts add, counts by code add, listed failures
    follow each other up to the limit; the rest (``as_of``) is the resumed run's."""
    if not saved:
        return resumed
    merged: JSON = {}
    for key, value in resumed.items():
        before = saved.get(key)
        if isinstance(value, bool) or before is None:
            merged[key] = value
        elif isinstance(value, int) and isinstance(before, int):
            merged[key] = before + value
        elif isinstance(value, dict) and isinstance(before, dict):
            merged[key] = {k: before.get(k, 0) + value.get(k, 0) for k in {**before, **value}}
        elif isinstance(value, list) and isinstance(before, list):
            merged[key] = [*before, *value][:LISTED_FAILURES]
        else:
            merged[key] = value
    return merged
