from __future__ import annotations

from typing import Annotated, Literal, NoReturn

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from partnerbilling.fields import Code, Currency, Email, Name, Rate, RequestModel, omitted_not_null
from partnerbilling.fields_profile import Iban, Language, PostalAddress, VatId
from partnerbilling.invoices.schemas import Address as AddressRead
from partnerbilling.jsonio import JSON

_ACME: JSON = {
    "name": "Acme AG",
    "billing_email": "billing@acme.example",
    "currency": "CHF",
    "vat_rate": "0.081",
    "reseller_tier": None,
}
_ADDRESS: JSON = {
    "street": "Bahnhofstrasse",
    "building_number": "1",
    "postal_code": "8001",
    "city": "Zürich",
    "country": "CH",
}
_PROFILE: JSON = {
    "legal_name": "Acme AG",
    "address": _ADDRESS,
    "vat_id": "CHE-116.281.710 MWST",
    "language": "de",
}
# The profile fields that may be sent as null to clear them.
CLEARABLE = ("legal_name", "address", "vat_id", "payout_iban")

_LEGAL_NAME = Field(default=None, description="The name on documents; `null`: the organisation's `name`.")
_ADDRESS_FIELD = Field(default=None, description="Structured, as the Swiss QR-bill requires.")
_VAT_ID = Field(default=None, description="Checked by checksum, else 422 `invalid_vat_id`.")
_PAYOUT_IBAN = Field(
    default=None, description="Where payouts go; checked by checksum, else 422 `invalid_iban`."
)
_INVOICING = (
    "`per_charge`: an invoice for each order and renewal; `monthly`: the charges wait unbilled "
    "and the monthly close invoices them together (SPEC §15)."
)
Invoicing = Literal["per_charge", "monthly"]
_AUTO_PAY = "Pay every invoice issued to it from its balance, when the balance covers it."
_INVOICE_EMAIL = "E-mail each invoice and credit note issued to it, with its PDF, to `billing_email`."
_REVERSE_CHARGE = (
    "A business abroad that accounts for VAT itself (charged at VAT 0); needs a `vat_id` and an "
    "address in another country than the issuer's. Platform only."
)


class OrganizationCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_ACME, {**_ACME, **_PROFILE}]})

    name: Name
    billing_email: Email
    currency: Currency
    vat_rate: Rate
    reseller_tier: Code | None = None
    legal_name: Name | None = _LEGAL_NAME
    address: PostalAddress | None = _ADDRESS_FIELD
    vat_id: VatId | None = _VAT_ID
    language: Language = Field(default="en", description="Of documents and e-mails.")
    payout_iban: Iban | None = _PAYOUT_IBAN
    auto_pay_from_balance: bool = Field(default=False, description=_AUTO_PAY)
    invoicing: Invoicing = Field(default="per_charge", description=_INVOICING)
    reverse_charge: bool = Field(default=False, description=_REVERSE_CHARGE)
    invoice_email: bool = Field(default=True, description=_INVOICE_EMAIL)


class OrganizationUpdate(RequestModel):
    """Every field of an organisation, as the platform changes it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=omitted_not_null(
            "reseller_tier",
            *CLEARABLE,
            examples=[{"reseller_tier": "gold"}, {"reseller_tier": None}, {"reverse_charge": True}],
        ),
    )

    name: Name | None = None
    billing_email: Email | None = None
    currency: Currency | None = None
    vat_rate: Rate | None = None
    reseller_tier: Code | None = Field(default=None, description="`null` removes the tier.")
    legal_name: Name | None = _LEGAL_NAME
    address: PostalAddress | None = _ADDRESS_FIELD
    vat_id: VatId | None = _VAT_ID
    language: Language | None = None
    payout_iban: Iban | None = _PAYOUT_IBAN
    auto_pay_from_balance: bool | None = Field(default=None, description=_AUTO_PAY)
    invoicing: Invoicing | None = Field(default=None, description=_INVOICING)
    reverse_charge: bool | None = Field(default=None, description=_REVERSE_CHARGE)
    invoice_email: bool | None = Field(default=None, description=_INVOICE_EMAIL)


def _platform_only(value: object, info: ValidationInfo) -> NoReturn:
    raise PydanticCustomError(
        "platform_only", "only the platform may change {field}", {"field": info.field_name or "it"}
    )


# A field an organisation may not change: named in the 422 with that reason, and not documented.
PlatformOnly = SkipJsonSchema[Annotated[object, BeforeValidator(_platform_only)]]


class MyOrganizationUpdate(RequestModel):
    """The billing profile, as the organisation changes it itself."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=omitted_not_null(
            *CLEARABLE, examples=[_PROFILE, {"payout_iban": "CH9300762011623852957"}, {"vat_id": None}]
        ),
    )

    billing_email: Email | None = None
    legal_name: Name | None = _LEGAL_NAME
    address: PostalAddress | None = _ADDRESS_FIELD
    vat_id: VatId | None = _VAT_ID
    language: Language | None = None
    payout_iban: Iban | None = _PAYOUT_IBAN
    auto_pay_from_balance: bool | None = Field(default=None, description=_AUTO_PAY)
    invoice_email: bool | None = Field(default=None, description=_INVOICE_EMAIL)
    invoicing: Invoicing | None = Field(default=None, description=_INVOICING)
    name: PlatformOnly = None
    currency: PlatformOnly = None
    vat_rate: PlatformOnly = None
    reseller_tier: PlatformOnly = None
    reverse_charge: PlatformOnly = None


class OrganizationRead(BaseModel):
    id: str
    name: str
    billing_email: str
    currency: Currency
    vat_rate: str = Field(examples=["0.081"])
    reseller_tier: str | None
    legal_name: str = Field(description="The name on documents (the `name` unless set).")
    address: AddressRead | None
    vat_id: str | None = Field(examples=["CHE-116.281.710 MWST"])
    language: Language
    payout_iban: str | None = Field(examples=["CH9300762011623852957"])
    auto_pay_from_balance: bool
    reverse_charge: bool
    invoice_email: bool
    invoicing: Invoicing
    created_at: str
    updated_at: str


class OrganizationList(BaseModel):
    data: list[OrganizationRead]
    next_cursor: str | None


class ApiKeyCreated(BaseModel):
    id: str
    key: str | None = Field(
        description="The secret key, shown only in this response (`null` in an Idempotency-Key replay)."
    )
    prefix: str
    created_at: str
