from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Code, Currency, Money, Name, Rate, RequestModel


class TierPut(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Gold",
                    "default_rate": "0.10",
                    "rates": {"hosting": "0.20", "domain": "0.05"},
                }
            ]
        },
    )

    name: Name
    default_rate: Rate
    # Keys must match the code pattern: say so, or the document would allow any other key.
    rates: dict[Code, Rate] = Field(
        default_factory=dict, max_length=100, json_schema_extra={"additionalProperties": False}
    )


class TierRead(BaseModel):
    code: str
    name: str
    default_rate: str
    rates: dict[str, str]


class ProductPut(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Web Hosting Pro",
                    "category": "hosting",
                    "period_months": 12,
                    "prices": {"CHF": "120.00", "EUR": "125.00"},
                }
            ]
        },
    )

    name: Name
    category: Code
    period_months: int = Field(ge=1, le=120)
    prices: dict[Currency, Money] = Field(min_length=1)


class ProductRead(BaseModel):
    sku: str
    name: str
    category: str
    period_months: int
    prices: dict[str, str] = Field(examples=[{"CHF": "120.00"}])
