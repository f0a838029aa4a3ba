"""Dunning (SPEC §10) as pure rules: which step an unpaid invoice takes in a run.

Levels: 0 no step yet; 1 reminder, 2 second reminder, 3 final notice, 4 suspension. Step ``k``
is due ``schedule[k-1]`` days after the invoice's due date. A run takes at most one step per
invoice, never one twice, and, for the same ``as_of``, none a second time: a later step also
waits, after the previous one, as long as the schedule puts between them, so that a run that
skipped days catches up one step per run, with the reminders as far apart as the schedule says.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

REMINDER, SECOND_REMINDER, FINAL_NOTICE, SUSPENSION = 1, 2, 3, 4
LEVELS = (REMINDER, SECOND_REMINDER, FINAL_NOTICE, SUSPENSION)


def next_step(
    due_at: datetime,
    level: int,
    as_of: datetime,
    schedule: Sequence[int],
    last_step_at: datetime | None = None,
) -> int | None:
    """The level the invoice moves to in a run at ``as_of``, or None: the next step if it is
    due (``schedule[level]`` days after ``due_at``, and, after a step taken at ``last_step_at``,
    the schedule's gap after that), never past the last step."""
    if level >= len(schedule) or level >= SUSPENSION:
        return None
    if as_of < due_at + timedelta(days=schedule[level]):
        return None
    if last_step_at is not None and level > 0:
        gap = timedelta(days=schedule[level] - schedule[level - 1])
        if as_of <= last_step_at or as_of < last_step_at + gap:
            return None
    return level + 1


def suspends_at(due_at: datetime, schedule: Sequence[int]) -> datetime:
    """When the suspension step falls due, as the schedule says (the customer's warning)."""
    return due_at + timedelta(days=schedule[SUSPENSION - 1])
