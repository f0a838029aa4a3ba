"""The pure renewal rules: the next period, and the channel of an automatic renewal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from partnerbilling.billing.renewal import automatic_channel, next_period
from partnerbilling.billing.routing import Access, ActivePartnership, BillingMode, Channel


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_the_next_period_starts_where_the_current_one_ends() -> None:
    anchor = _utc(2026, 3, 15, 9, 30)
    assert next_period(anchor, _utc(2027, 3, 15, 9, 30), 12) == (
        _utc(2027, 3, 15, 9, 30),
        _utc(2028, 3, 15, 9, 30),
    )


def test_month_ends_do_not_drift() -> None:
    anchor = _utc(2027, 1, 31)
    assert _ends(anchor, 4) == [_utc(2027, 2, 28), _utc(2027, 3, 31), _utc(2027, 4, 30), _utc(2027, 5, 31)]


def _ends(anchor: datetime, count: int) -> list[datetime]:
    end = anchor
    result = []
    for _ in range(count):
        _, end = next_period(anchor, end, 1)
        result.append(end)
    return result


def test_a_leap_day_anchor_comes_back_in_leap_years() -> None:
    anchor = _utc(2028, 2, 29)
    _, first = next_period(anchor, anchor, 12)
    _, fourth = next_period(anchor, _utc(2031, 2, 28), 12)
    assert (first, fourth) == (_utc(2029, 2, 28), _utc(2032, 2, 29))


PARTNERSHIP = ActivePartnership("pship_1", "org_partner", Access.FULL, BillingMode.CUSTOMER)


@pytest.mark.parametrize(
    ("origin", "origin_partnership", "now", "expected"),
    [
        (Channel.PARTNER, "pship_1", PARTNERSHIP, Channel.PARTNER),
        (Channel.PARTNER, "pship_1", None, Channel.DIRECT),  # ended
        (Channel.PARTNER, "pship_0", PARTNERSHIP, Channel.DIRECT),  # ended and replaced
        (Channel.DIRECT, "pship_1", PARTNERSHIP, Channel.DIRECT),
        (Channel.DIRECT, None, None, Channel.DIRECT),
    ],
)
def test_automatic_renewals_keep_the_origin_channel_while_its_partnership_lasts(
    origin: Channel, origin_partnership: str | None, now: ActivePartnership | None, expected: Channel
) -> None:
    assert automatic_channel(origin, origin_partnership, now) is expected
