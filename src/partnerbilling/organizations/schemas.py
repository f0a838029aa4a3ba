from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Code, Currency, Email, Name, Rate, RequestModel, omitted_not_null


class OrganizationCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Acme AG",
                    "billing_email": "billing@acme.example",
                    "currency": "CHF",
                    "vat_rate": "0.081",
                    "reseller_tier": None,
                }
            ]
        },
    )

    name: Name
    billing_email: Email
    currency: Currency
    vat_rate: Rate
    reseller_tier: Code | None = None


class OrganizationUpdate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=omitted_not_null(
            "reseller_tier", examples=[{"reseller_tier": "gold"}, {"reseller_tier": None}]
        ),
    )

    name: Name | None = None
    billing_email: Email | None = None
    currency: Currency | None = None
    vat_rate: Rate | None = None
    reseller_tier: Code | None = Field(default=None, description="`null` removes the tier.")


class OrganizationRead(BaseModel):
    id: str
    name: str
    billing_email: str
    currency: Currency
    vat_rate: str = Field(examples=["0.081"])
    reseller_tier: str | None
    created_at: str
    updated_at: str


class ApiKeyCreated(BaseModel):
    id: str
    key: str | None = Field(
        description="The secret key, shown only in this response (`null` in an Idempotency-Key replay)."
    )
    prefix: str
    created_at: str
