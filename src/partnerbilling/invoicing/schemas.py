from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from partnerbilling.db import utcnow
from partnerbilling.fields import RequestModel, Timestamp
from partnerbilling.jobs.domain import check_as_of
from partnerbilling.orders.schemas import OrderRead


class CloseRun(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"as_of": "2027-01-01T00:30:00Z"}]}
    )

    as_of: Timestamp | None = Field(
        default=None,
        description="Invoice what was charged before the first day of this moment's month, in "
        "the issuer's time zone (RFC 3339 with a time zone; default: now). At most one year ahead.",
    )

    @field_validator("as_of")
    @classmethod
    def _not_too_far(cls, value: datetime | None) -> datetime | None:
        return None if value is None else check_as_of(value, utcnow())


class CloseFailure(BaseModel):
    payer_id: str
    currency: str
    code: str
    detail: str


class CloseResult(BaseModel):
    as_of: str
    billed_before: str = Field(description="The first moment of `as_of`'s month (issuer's time zone).")
    invoices: int = Field(description="Invoices issued: one per payer and currency.")
    charges: int = Field(description="Charges they invoice (each on one line).")
    failed: int = Field(description="Payers whose invoice failed; the next close bills them.")
    failures: list[CloseFailure] = Field(description="The first 100 failures.")
    reasons: dict[str, int] = Field(description="Every failure, counted by code.")


class UnbilledTotal(BaseModel):
    currency: str
    net_amount: str = Field(examples=["256.35"])


class UnbilledCharges(BaseModel):
    data: list[OrderRead] = Field(description="Your charges as payer waiting for the monthly close.")
    totals: list[UnbilledTotal] = Field(description="Their nets, per currency.")
