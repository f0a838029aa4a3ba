"""Subscription periods: calendar months, clamped to the end of shorter months."""

from __future__ import annotations

import calendar
from datetime import datetime


def add_months(start: datetime, months: int) -> datetime:
    """``start`` moved by whole calendar months (Jan 31 + 1 month → Feb 28/29)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)
