from __future__ import annotations

from pydantic import BaseModel

from partnerbilling.billing.routing import Channel
from partnerbilling.states import SubscriptionStatus


class SubscriptionRead(BaseModel):
    id: str
    customer_id: str
    sku: str
    quantity: int
    origin_channel: Channel
    status: SubscriptionStatus
    auto_renew: bool
    current_period_start: str
    current_period_end: str
    created_at: str
    cancelled_at: str | None


class SubscriptionList(BaseModel):
    data: list[SubscriptionRead]
    next_cursor: str | None
