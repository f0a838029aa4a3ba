from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from partnerbilling.db import utcnow
from partnerbilling.fields import RequestModel, Timestamp

# A guard against a mistyped date (2207 for 2027) billing decades of renewals at once.
MAX_AHEAD = timedelta(days=366)


class RenewalRun(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"as_of": "2027-01-01T00:00:00Z"}]}
    )

    as_of: Timestamp | None = Field(
        default=None,
        description="Renew every period ending at or before this time (RFC 3339 with a time "
        "zone; default: now). At most one year ahead.",
    )

    @field_validator("as_of")
    @classmethod
    def _not_too_far(cls, value: datetime | None) -> datetime | None:
        if value is not None and value > utcnow() + MAX_AHEAD:
            raise ValueError("must be at most one year ahead")
        return value


class RenewalFailure(BaseModel):
    subscription_id: str
    code: str = Field(examples=["price_not_available"])
    detail: str


class RenewalRunResult(BaseModel):
    as_of: str
    renewed: int = Field(description="Periods renewed (orders created).")
    failed: int = Field(description="Subscriptions whose renewal failed; retried by the next run.")
    skipped: int = Field(
        description="Subscriptions claimed but no longer due when their turn came, and suspended "
        "ones that are due (not renewed while suspended)."
    )
    failures: list[RenewalFailure] = Field(description="The first 100 failures.")
    reasons: dict[str, int] = Field(
        description="Every failure, counted by code; and `suspended`: the due subscriptions skipped "
        "because dunning suspended them."
    )
