from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class SubscriptionRead(BaseModel):
    id: str
    customer_id: str
    sku: str
    quantity: int
    origin_channel: Literal["partner", "direct"]
    status: Literal["active", "cancelled"]
    auto_renew: bool
    current_period_start: str
    current_period_end: str
    created_at: str
    cancelled_at: str | None


class SubscriptionList(BaseModel):
    data: list[SubscriptionRead]
    next_cursor: str | None
