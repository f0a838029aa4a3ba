from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Currency, Money, RequestModel
from partnerbilling.states import PayoutStatus


class PayoutCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"currency": "CHF", "amount": "50.00"}]})

    currency: Currency
    amount: Money = Field(description="At least 50.00, at most the balance in that currency.")


class PayoutRead(BaseModel):
    id: str
    currency: str
    amount: str = Field(examples=["50.00"])
    iban: str = Field(description="Your payout IBAN when you asked for the payout.")
    status: PayoutStatus
    created_at: str
    updated_at: str


class PayoutList(BaseModel):
    data: list[PayoutRead]
    next_cursor: str | None
