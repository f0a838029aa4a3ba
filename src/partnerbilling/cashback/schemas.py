from __future__ import annotations

from pydantic import BaseModel, Field

from partnerbilling.states import CashbackStatus


class CashbackEntryRead(BaseModel):
    id: str
    partner_id: str
    customer_id: str
    order_id: str
    currency: str
    rate: str = Field(examples=["0.2"])
    amount: str = Field(examples=["24.00"])
    status: CashbackStatus
    created_at: str
    updated_at: str


class CashbackEntryList(BaseModel):
    data: list[CashbackEntryRead]
    next_cursor: str | None


class Balance(BaseModel):
    currency: str
    pending: str = Field(examples=["24.00"])
    available: str = Field(examples=["0.00"])


class BalanceList(BaseModel):
    balances: list[Balance]
