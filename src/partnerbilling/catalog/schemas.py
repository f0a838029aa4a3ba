from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from partnerbilling.fields import Code, Currency, Money, Name, Rate, RequestModel
from partnerbilling.jsonio import JSON


def _rates_map(schema: JSON) -> None:
    """Describe the map as generators keep it: each value in ``additionalProperties``, each key
    in ``propertyNames`` (``patternProperties`` with no other property reads as an empty model)."""
    [(pattern, rate)] = schema.pop("patternProperties").items()
    schema["additionalProperties"] = {**rate, "examples": ["0.20"]}
    schema["propertyNames"] = {"type": "string", "pattern": pattern, "examples": ["hosting"]}


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
    default_rate: Rate = Field(examples=["0.10"])
    # Required, never a silent default: a tier replaced without its map would lose its category
    # rates (and the put refuses an empty map that would, see catalog.service.put_tier).
    rates: dict[Code, Rate] = Field(
        max_length=100,
        description="The partner rate per product category; other categories earn `default_rate`. "
        "Required (`{}` for none), and `{}` is refused (422 `category_rates_required`) where it "
        "would take away category rates the tier has.",
        json_schema_extra=_rates_map,
    )


class TierRead(BaseModel):
    code: str
    name: str
    default_rate: str = Field(examples=["0.1"])
    rates: dict[str, str] = Field(examples=[{"hosting": "0.2", "domain": "0.05"}])


class ProductNames(RequestModel):
    """The product's name per language, where it differs from ``name``; documents and e-mails in
    a language without one use ``name``."""

    model_config = ConfigDict(extra="forbid")

    de: Name | None = None
    fr: Name | None = None
    it: Name | None = None
    en: Name | None = None


class ProductNamesRead(BaseModel):
    de: str | None
    fr: str | None
    it: str | None
    en: str | None


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
                    "names": {"de": "Webhosting Pro", "fr": "Hébergement Web Pro", "it": "Hosting Web Pro"},
                }
            ]
        },
    )

    name: Name
    category: Code = Field(examples=["hosting"])
    period_months: int = Field(ge=1, le=120)
    prices: dict[Currency, Money] = Field(
        min_length=1, description="The price excluding VAT per currency; at least one."
    )
    names: ProductNames | None = Field(
        default=None,
        description="Its name in each language (`de`, `fr`, `it`, `en`) for documents and e-mails; "
        "a language without one uses `name`.",
    )


class ProductRead(BaseModel):
    sku: str
    name: str
    category: str
    period_months: int
    prices: dict[str, str] = Field(examples=[{"CHF": "120.00"}])
    names: ProductNamesRead = Field(description="Its name per language; null where it uses `name`.")
