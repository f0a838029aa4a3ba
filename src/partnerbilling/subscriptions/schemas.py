from __future__ import annotations

from pydantic import BaseModel, Field

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
    at_risk_since: str | None = Field(
        description="Since when it is at risk: the final notice of the unpaid invoice that charged "
        "it (SPEC §10); `null` when none is unpaid that far. Dates only, never an amount."
    )
    suspends_at: str | None = Field(
        description="When it is (or was) suspended if that invoice stays unpaid; `null` otherwise."
    )


class SubscriptionList(BaseModel):
    data: list[SubscriptionRead]
    next_cursor: str | None
