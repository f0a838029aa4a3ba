"""What every view shares: the JSON type and the API's one spelling of a timestamp."""

from __future__ import annotations

from datetime import UTC, datetime


def rfc3339(value: datetime | None) -> str | None:
    """A timestamp as the API shows it: RFC 3339 in UTC with microseconds and ``Z``, the year
    always in four digits (``strftime("%Y")`` drops the zeros of a year before 1000)."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
