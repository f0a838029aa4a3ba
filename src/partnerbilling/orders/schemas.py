from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.billing.routing import Channel
from partnerbilling.fields import RequestModel
from partnerbilling.states import CashbackStatus, OrderKind


class OrderCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"customer_id": "org_01jd...", "sku": "web-hosting-pro", "quantity": 1}]
        },
    )

    customer_id: str = Field(min_length=1, max_length=40)
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=1000)


class CashbackRead(BaseModel):
    rate: str = Field(examples=["0.2"])
    amount: str = Field(examples=["24.00"])
    status: CashbackStatus


class OrderRead(BaseModel):
    id: str
    kind: OrderKind
    channel: Channel
    customer_id: str
    placed_by_id: str | None
    partnership_id: str | None
    subscription_id: str
    sku: str
    quantity: int
    currency: str
    payer_id: str
    public_amount: str = Field(examples=["120.00"])
    discount: str | None = Field(description="Seen by the payer only.", examples=["0.00"])
    net_amount: str | None = Field(description="Seen by the payer only.", examples=["120.00"])
    invoice_id: str | None = Field(description="Seen by the payer only; null while unbilled.")
    billing_status: Literal["billed", "unbilled"] | None = Field(
        description="Seen by the payer only: `unbilled` until the monthly close invoices it."
    )
    cashback: CashbackRead | None = Field(description="Seen by the partner only.")
    created_at: str


class OrderList(BaseModel):
    data: list[OrderRead]
    next_cursor: str | None
