from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Currency, Money, RequestModel
from partnerbilling.states import PayoutBatchStatus, PayoutStatus


class PayoutCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"currency": "CHF", "amount": "50.00"}]})

    currency: Currency
    amount: Money = Field(description="At least 50.00, at most the balance in that currency.")


class PayoutRead(BaseModel):
    id: str
    org_id: str = Field(description="The organisation paid out.")
    currency: str
    amount: str = Field(examples=["50.00"])
    iban: str = Field(description="Your payout IBAN when you asked for the payout.")
    status: PayoutStatus
    batch_id: str | None = Field(
        description="The payout batch that sent it to the bank (the platform's view; `null` to "
        "the organisation)."
    )
    created_at: str
    updated_at: str


class PayoutList(BaseModel):
    data: list[PayoutRead]
    next_cursor: str | None


class PayoutBatchCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"currency": "CHF"}]})

    currency: Currency


class PayoutBatchRead(BaseModel):
    id: str
    currency: str
    status: PayoutBatchStatus = Field(description="Read from its payouts: `in_transit` while one of them is.")
    count: int = Field(description="How many payouts the batch pays.")
    total: str = Field(examples=["1250.00"], description="The sum of its payouts' amounts.")
    message_id: str = Field(description="The file's `MsgId` (and `PmtInfId`): a bank's answers name it.")
    execution_date: str = Field(
        examples=["2026-12-08"],
        description="The requested execution date: the creation day in the issuer's time zone.",
    )
    debtor_iban: str = Field(description="The issuer's payout account the batch is debited from.")
    debtor_bic: str | None
    created_at: str


class PayoutBatchList(BaseModel):
    data: list[PayoutBatchRead]
    next_cursor: str | None
