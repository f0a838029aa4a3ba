"""The settings that move a date (dunning steps, retry delays, the endpoint cut-off, the job
lease) are bounded, so that no date computed with them can pass the calendar's end: a start
with one out of bounds fails at once, naming the setting, instead of every run failing later."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from partnerbilling.settings import Settings


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DUNNING_SCHEDULE_DAYS", "0,14,28,3000000"),
        ("DUNNING_SCHEDULE_DAYS", "-1,14,28,42"),
        ("WEBHOOK_RETRY_SCHEDULE", "5,99999999999"),
        ("WEBHOOK_RETRY_SCHEDULE", "-5"),
        ("WEBHOOK_DISABLE_AFTER_DAYS", "999999999"),
        ("WEBHOOK_DISABLE_AFTER_DAYS", "0"),
        ("JOB_LEASE_SECONDS", "1e12"),
    ],
)
def test_a_delay_past_ten_years_is_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(f"PARTNERBILLING_{variable}", value)
    with pytest.raises(ValidationError, match=variable.lower()):
        Settings()


def test_the_bounds_take_long_real_schedules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERBILLING_DUNNING_SCHEDULE_DAYS", "0,30,60,3650")
    monkeypatch.setenv("PARTNERBILLING_WEBHOOK_RETRY_SCHEDULE", "5,86400,604800")
    settings = Settings()
    assert settings.dunning_schedule_days == (0, 30, 60, 3650)
    assert settings.webhook_retry_schedule == (5, 86400, 604800)
