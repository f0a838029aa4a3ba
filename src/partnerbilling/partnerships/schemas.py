from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.billing.routing import Access, BillingMode
from partnerbilling.fields import RequestModel, omitted_not_null
from partnerbilling.states import PartnershipStatus


class PartnershipCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"partner_id": "org_01jd...", "access": "full", "billing_mode": "partner"}]
        },
    )

    partner_id: str = Field(min_length=1, max_length=40)
    access: Access
    billing_mode: BillingMode = BillingMode.CUSTOMER


class PartnershipUpdate(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=omitted_not_null(examples=[{"billing_mode": "partner"}])
    )

    billing_mode: BillingMode | None = None
    access: Access | None = None


class PartnershipRead(BaseModel):
    id: str
    customer_id: str
    partner_id: str
    access: Access
    billing_mode: BillingMode
    status: PartnershipStatus
    created_at: str
    updated_at: str
    accepted_at: str | None
    ended_at: str | None


class PartnershipList(BaseModel):
    data: list[PartnershipRead]
    next_cursor: str | None


class PartnershipChangeRead(BaseModel):
    id: str
    field: Literal["access", "billing_mode"]
    old_value: str | None
    new_value: str | None
    changed_by_id: str
    changed_at: str


class PartnershipChangeList(BaseModel):
    data: list[PartnershipChangeRead]
    next_cursor: str | None
