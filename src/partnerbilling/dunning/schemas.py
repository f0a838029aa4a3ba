from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from partnerbilling.db import utcnow
from partnerbilling.fields import RequestModel, Timestamp
from partnerbilling.jobs.domain import check_as_of


class DunningRun(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"as_of": "2027-01-01T00:00:00Z"}]}
    )

    as_of: Timestamp | None = Field(
        default=None,
        description="Take the dunning steps due at this time (RFC 3339 with a time zone; default: "
        "now). At most one year ahead.",
    )

    @field_validator("as_of")
    @classmethod
    def _not_too_far(cls, value: datetime | None) -> datetime | None:
        return None if value is None else check_as_of(value, utcnow())


class DunningRunResult(BaseModel):
    as_of: str
    invoices: int = Field(description="Unpaid invoices past due that the run looked at.")
    stepped: int = Field(description="Invoices that took a step (at most one each).")
    unchanged: int = Field(description="Invoices whose next step was not due (or was taken meanwhile).")
    failed: int = Field(description="Invoices whose step failed; retried by the next run.")
    levels: dict[str, int] = Field(description="Steps taken, counted by the level reached (1–4).")
    reasons: dict[str, int] = Field(description="Every failure, counted by code.")
