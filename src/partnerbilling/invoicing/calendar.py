"""The months of monthly invoicing (SPEC §15), counted in the issuer's time zone; no imports of
the billing code, so that the views may say when a charge is invoiced."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from partnerbilling.issuer.domain import DEFAULT_TIME_ZONE, Issuer


def months_zone(issuer: Issuer | None) -> ZoneInfo:
    """The time zone the months are counted in: the issuer's ``time_zone`` (Europe/Zurich while
    none is configured)."""
    return ZoneInfo(issuer.time_zone if issuer is not None else DEFAULT_TIME_ZONE)


def cutoff(as_of: datetime, zone: ZoneInfo) -> datetime:
    """The first moment of ``as_of``'s month in ``zone``: the close bills what was charged before."""
    local = as_of.astimezone(zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_close(now: datetime, zone: ZoneInfo) -> datetime:
    """The first moment of the month after ``now``'s (in ``zone``): when a charge made now is
    invoiced by the monthly close."""
    local = now.astimezone(zone)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return datetime(year, month, 1, tzinfo=zone)


def when_invoiced(charged_at: datetime, unbilled: bool, zone: ZoneInfo | None = None) -> tuple[str, datetime]:
    """How and when a charge made at ``charged_at`` is invoiced (quotes, previews and
    explanations say it): ``at_once``, or ``monthly`` at the next monthly close."""
    if unbilled:
        return "monthly", next_close(charged_at, zone or months_zone(None))
    return "at_once", charged_at
