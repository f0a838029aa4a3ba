from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from partnerbilling.db import utcnow
from partnerbilling.fields import RequestModel, Timestamp
from partnerbilling.jobs.domain import check_as_of


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
        return None if value is None else check_as_of(value, utcnow())


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
