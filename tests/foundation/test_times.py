"""Times: a payment lies between the invoice's issue and now, and every time the API shows is
RFC 3339 in UTC with a four-digit year."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from partnerbilling.db import utcnow
from partnerbilling.renewals.console import parse_as_of
from partnerbilling.visibility import rfc3339
from tests.asserts import assert_problem, error_fields
from tests.support import Api, World, build_world

PLUS_TWO, MINUS_FIVE = timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))
RFC3339_UTC = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$")


@pytest.fixture
async def world(api: Api) -> World:
    return await build_world(api)


async def _issued_invoice(api: Api, world: World) -> dict[str, object]:
    order = await api.order(world.acme, world.acme, "web-hosting-pro")
    invoice: dict[str, object] = await api.ok(world.acme, "GET", f"/v1/invoices/{order['invoice_id']}")
    return invoice


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(
    ("shift", "why"),
    [
        (timedelta(microseconds=-1), "before the invoice was issued"),
        (timedelta(days=-400), "before the invoice was issued"),
        (timedelta(hours=1), "in the future"),
        (timedelta(days=3000), "in the future"),
    ],
)
async def test_a_payment_time_before_the_issue_or_in_the_future_is_refused(
    api: Api, world: World, shift: timedelta, why: str
) -> None:
    invoice = await _issued_invoice(api, world)
    issued_at = datetime.fromisoformat(str(invoice["issued_at"]))
    paid_at = _stamp(issued_at + shift)
    response = await api.admin("POST", f"/v1/admin/invoices/{invoice['id']}/pay", json={"paid_at": paid_at})
    problem = assert_problem(response, 422, "validation_error")
    assert error_fields(problem) >= {"body", "paid_at"}, problem
    assert why in problem["detail"], problem
    assert await api.ok(world.acme, "GET", f"/v1/invoices/{invoice['id']}") == invoice


async def test_a_payment_time_at_the_issue_or_within_the_clock_skew_is_accepted(
    api: Api, world: World
) -> None:
    first, second = await _issued_invoice(api, world), await _issued_invoice(api, world)
    paid = await api.ok(
        None, "POST", f"/v1/admin/invoices/{first['id']}/pay", json={"paid_at": first["issued_at"]}
    )
    assert paid["paid_at"] == first["issued_at"]
    # A clock a little ahead of ours: two minutes in the future is still taken.
    ahead = utcnow() + timedelta(minutes=2)
    sent = ahead.astimezone(PLUS_TWO).isoformat()
    paid = await api.ok(None, "POST", f"/v1/admin/invoices/{second['id']}/pay", json={"paid_at": sent})
    assert RFC3339_UTC.match(paid["paid_at"]), paid
    assert datetime.fromisoformat(paid["paid_at"]) == ahead


async def test_a_renewal_run_shows_its_time_in_utc(api: Api, world: World) -> None:
    result = await api.ok(None, "POST", "/v1/admin/renewals/run", json={"as_of": "2026-01-01T01:30:00+01:30"})
    assert result["as_of"] == "2026-01-01T00:00:00.000000Z"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(1, 1, 2, tzinfo=UTC), "0001-01-02T00:00:00.000000Z"),
        (datetime(999, 12, 31, 23, 59, 59, 5, tzinfo=UTC), "0999-12-31T23:59:59.000005Z"),
        (datetime(2026, 11, 26, 23, 5, 11, tzinfo=UTC), "2026-11-26T23:05:11.000000Z"),
        (datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), "9999-12-31T23:59:59.999999Z"),
    ],
)
def test_times_are_shown_with_a_four_digit_year(value: datetime, shown: str) -> None:
    assert rfc3339(value) == shown
    assert rfc3339(value.astimezone(MINUS_FIVE)) == shown


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+23:59", "1900-01-01", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59-23:59"]
)
def test_the_command_line_refuses_a_run_time_out_of_range(value: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_as_of(value)
