"""`partnerbilling renew-due`: progress, summary and exit status."""

from __future__ import annotations

import argparse
import io
import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import utcnow
from partnerbilling.renewals.console import parse_as_of, renew_due
from tests.renewals.support import backdate
from tests.support import Api, build_world


async def test_renew_due_prints_a_summary_with_the_failures(
    api: Api, db: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build_world(api)
    euro_partner = await api.org("EuroAgency", currency="EUR", reseller_tier="gold")
    beta = await api.org("Beta")
    failing = (await api.order(beta, beta, "domain-ch"))["subscription_id"]
    await api.partnership(beta, euro_partner, billing_mode="partner")
    fine = (await api.order(world.acme, world.acme, "web-hosting-pro"))["subscription_id"]
    await backdate(db, failing, 12)
    await backdate(db, fine, 24)
    out = io.StringIO()

    with caplog.at_level(logging.INFO, logger="partnerbilling.renewals"):
        status = await renew_due(db, utcnow(), out=out)

    summary = out.getvalue()
    assert status == 1
    assert "renewed 2 periods" in summary
    assert "failed  1" in summary
    assert "price_not_available: 1" in summary
    assert failing in summary
    assert "skipped 0" in summary
    assert any("renewals: 2/2 subscriptions" in message for message in caplog.messages)


async def test_renew_due_with_nothing_due_succeeds(api: Api, db: AsyncEngine) -> None:
    out = io.StringIO()
    assert await renew_due(db, None, out=out) == 0
    assert "renewed 0 periods" in out.getvalue()


def test_as_of_accepts_a_date_or_a_time() -> None:
    assert parse_as_of("2026-12-01") == datetime(2026, 12, 1, tzinfo=UTC)
    assert parse_as_of("2026-12-01T10:00:00+01:00") == datetime(2026, 12, 1, 9, tzinfo=UTC)
    with pytest.raises(argparse.ArgumentTypeError):
        parse_as_of("next tuesday")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_as_of("2207-01-01")
