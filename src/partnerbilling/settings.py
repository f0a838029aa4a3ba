"""Settings, read from environment variables prefixed ``PARTNERBILLING_``."""

import itertools
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The longest delay a setting may add to a date: ten years.
MAX_DELAY_DAYS = 3650


class Settings(BaseSettings):
    """Every knob of the service; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="PARTNERBILLING_", extra="ignore")

    database_url: str | None = None
    admin_token: str | None = None
    smtp_url: str | None = None
    mail_from: str = "billing@localhost"
    webhook_allow_private_urls: bool = False
    webhook_retry_schedule: Annotated[tuple[int, ...], NoDecode] = (
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        36000,
    )
    # Dunning steps, in days after an invoice's due date: reminder 1, reminder 2, final notice,
    # suspension (SPEC §10).
    dunning_schedule_days: Annotated[tuple[int, int, int, int], NoDecode] = (0, 14, 28, 42)
    # Requests a minute per organisation or operator key, in each process (SPEC §18); 0: no limit.
    rate_limit_per_minute: int = Field(default=1200, ge=0)

    # Schedules (SPEC §15): cron expressions in the issuer's time zone; empty disables one. The
    # monthly close is the job of POST /v1/admin/invoicing/close.
    schedule_renewals: str = "0 2 * * *"
    schedule_dunning: str = "0 6 * * *"
    schedule_close: str = "30 0 1 * *"
    schedule_retention: str = "0 4 * * *"
    schedule_seal: str = "0 0 * * *"
    # Retention (SPEC §17): webhook deliveries and sent e-mails' bodies after this many days,
    # events' payloads after that many.
    retention_deliveries_days: int = 90
    retention_events_days: int = 400

    # Not in the public table: operational limits with safe defaults.
    data_dir: Path = Path(".partnerbilling")
    db_pool_size: int = 20
    db_connect_timeout: float = 3.0
    db_statement_timeout_ms: int = 10_000
    db_lock_timeout_ms: int = 5_000
    webhook_timeout: float = 15.0
    webhook_disable_after_days: int = 5
    worker_batch_size: int = 50
    worker_concurrency: int = 32
    worker_poll_interval: float = 0.5
    # The renewal and dunning runs are jobs (README, "Jobs"): how long a request waits for its
    # job before answering 202, and how gently a worker runs one beside the live traffic.
    job_wait_seconds: float = 20.0
    job_poll_interval: float = 0.5
    job_lease_seconds: float = 60.0
    job_max_attempts: int = 5
    job_db_pool_size: int = 2
    job_concurrency: int = 1
    # Small batches and a pause between them: a soak at 90 requests/s kept its live p99 within
    # 1.2x of the same soak without runs (README, Performance); 50 and 0.05 gave 2.5x.
    job_batch_size: int = 10
    job_batch_pause: float = 0.25
    # How often each worker looks whether a scheduled time has come (and once as it starts).
    schedule_check_seconds: float = 15.0
    max_body_bytes: int = 1024 * 1024
    # A bank notification (POST /v1/admin/payments/import) may be larger: 10,000 entries are ~7 MB.
    import_max_bytes: int = 32 * 1024 * 1024

    @field_validator("dunning_schedule_days", mode="before")
    @classmethod
    def _parse_dunning(cls, value: object) -> object:
        if isinstance(value, str):
            value = tuple(int(part) for part in value.split(",") if part.strip())
        if isinstance(value, tuple | list) and any(b <= a for a, b in itertools.pairwise(value)):
            raise ValueError("the dunning steps must be in increasing days")
        return value

    # Every delay a date is moved by stays far from the calendar's end (README, "Run bounds").
    @field_validator("dunning_schedule_days")
    @classmethod
    def _bounded_days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 0 <= days <= MAX_DELAY_DAYS for days in value):
            raise ValueError(f"each step must lie between 0 and {MAX_DELAY_DAYS} days")
        return value

    @field_validator("webhook_retry_schedule")
    @classmethod
    def _bounded_seconds(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 0 <= seconds <= MAX_DELAY_DAYS * 86_400 for seconds in value):
            raise ValueError(f"each delay must lie between 0 and {MAX_DELAY_DAYS * 86_400} seconds")
        return value

    @field_validator("webhook_disable_after_days", "job_lease_seconds")
    @classmethod
    def _bounded_span(cls, value: float, info: ValidationInfo) -> float:
        most = MAX_DELAY_DAYS * (1 if info.field_name == "webhook_disable_after_days" else 86_400)
        if not 0 < value <= most:
            raise ValueError(f"must be positive and at most {most} (ten years)")
        return value

    @field_validator(
        "schedule_renewals", "schedule_dunning", "schedule_close", "schedule_retention", "schedule_seal"
    )
    @classmethod
    def _parse_cron(cls, value: str) -> str:
        from cronsim import CronSim, CronSimError

        value = value.strip()
        if value:
            try:
                CronSim(value, datetime.now(UTC))
            except CronSimError as exc:
                raise ValueError(f"not a cron expression: {exc}") from None
        return value

    @field_validator("webhook_retry_schedule", mode="before")
    @classmethod
    def _parse_schedule(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(",") if part.strip())
        if isinstance(value, int):
            return (value,)
        return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
