"""Renewals: which period comes next, and the channel of an automatic renewal (SPEC §2)."""

from __future__ import annotations

from datetime import datetime

from partnerbilling.billing.periods import add_months
from partnerbilling.billing.routing import ActivePartnership, Channel


def next_period(anchor: datetime, period_end: datetime, months: int) -> tuple[datetime, datetime]:
    """The period after the one ending at ``period_end``: it starts there and lasts ``months``.

    Its end is counted in whole months from the subscription's ``anchor`` (the start of its
    first period), so that a clamped month end does not drift: Jan 31 → Feb 28 → Mar 31.
    """
    elapsed = (period_end.year - anchor.year) * 12 + period_end.month - anchor.month
    return period_end, add_months(anchor, elapsed + months)


def automatic_channel(
    origin_channel: Channel, origin_partnership_id: str | None, partnership: ActivePartnership | None
) -> Channel:
    """An automatic renewal keeps the channel of the order that created the subscription while
    that same partnership is active; once it has ended (or was replaced), the renewal is direct."""
    if (
        origin_channel is Channel.PARTNER
        and partnership is not None
        and partnership.id == origin_partnership_id
    ):
        return Channel.PARTNER
    return Channel.DIRECT
