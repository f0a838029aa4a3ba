"""Settings: the SPEC §6 table, read from PARTNERBILLING_* environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerbilling.settings import Settings

SPEC_VARIABLES = [
    "DATABASE_URL",
    "ADMIN_TOKEN",
    "SMTP_URL",
    "MAIL_FROM",
    "WEBHOOK_ALLOW_PRIVATE_URLS",
    "WEBHOOK_RETRY_SCHEDULE",
]


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    import os

    for name in list(os.environ):
        if name.startswith("PARTNERBILLING_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_the_defaults_are_the_specs(clean_environment: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert settings.database_url is None  # the embedded server
    assert settings.admin_token is None  # the admin API answers 401
    assert settings.smtp_url is None  # mail goes to the log
    assert settings.mail_from == "billing@localhost"
    assert settings.webhook_allow_private_urls is False
    assert settings.webhook_retry_schedule == (5, 300, 1800, 7200, 18000, 36000, 36000)
    assert settings.data_dir == Path(".partnerbilling")
    assert settings.max_body_bytes == 1024 * 1024


def test_every_spec_setting_is_read_from_its_variable(clean_environment: pytest.MonkeyPatch) -> None:
    values = {
        "DATABASE_URL": "postgresql+asyncpg://billing@db.internal/billing",
        "ADMIN_TOKEN": "platform-secret",
        "SMTP_URL": "smtp://mail.internal:25",
        "MAIL_FROM": "billing@example.com",
        "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
        "WEBHOOK_RETRY_SCHEDULE": "1, 2,30",
    }
    assert sorted(values) == sorted(SPEC_VARIABLES)
    for name, value in values.items():
        clean_environment.setenv(f"PARTNERBILLING_{name}", value)
    settings = Settings()
    assert settings.database_url == values["DATABASE_URL"]
    assert settings.admin_token == "platform-secret"
    assert settings.smtp_url == "smtp://mail.internal:25"
    assert settings.mail_from == "billing@example.com"
    assert settings.webhook_allow_private_urls is True
    assert settings.webhook_retry_schedule == (1, 2, 30)


def test_a_single_retry_delay_is_a_schedule_of_one(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("PARTNERBILLING_WEBHOOK_RETRY_SCHEDULE", "60")
    assert Settings().webhook_retry_schedule == (60,)
