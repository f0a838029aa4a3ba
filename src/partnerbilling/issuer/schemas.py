"""The issuer's request and read models."""

from __future__ import annotations

from typing import Self
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator
from pydantic_core import PydanticCustomError

from partnerbilling.billing.references import is_qr_iban
from partnerbilling.errors import InvalidIban
from partnerbilling.fields import Email, Name, RequestModel
from partnerbilling.fields_profile import Bic, Iban, PostalAddress, VatId
from partnerbilling.invoices.schemas import Address as AddressRead
from partnerbilling.invoices.schemas import BankAccount
from partnerbilling.jsonio import JSON

_EXAMPLE: JSON = {
    "legal_name": "Hosting Provider AG",
    "address": {
        "street": "Bahnhofstrasse",
        "building_number": "1",
        "postal_code": "8001",
        "city": "Zürich",
        "country": "CH",
    },
    "vat_id": "CHE-116.281.710 MWST",
    "email": "billing@provider.example",
    "payment_terms_days": 30,
    "bank_accounts": {
        "CHF": {"iban": "CH4431999123000889012"},
        "EUR": {"iban": "CH9300762011623852957", "bic": "UBSWCHZH80A"},
    },
}


class ChfAccount(RequestModel):
    iban: Iban = Field(description="A Swiss or Liechtenstein IBAN; a QR-IBAN is welcome.")

    @field_validator("iban")
    @classmethod
    def _swiss(cls, iban: str) -> str:
        if iban[:2] not in ("CH", "LI"):
            raise PydanticCustomError(
                InvalidIban.code, "a CHF account (for the QR-bill) must be a Swiss or Liechtenstein IBAN"
            )
        return iban


class EurAccount(RequestModel):
    iban: Iban = Field(description="Not a QR-IBAN: those take CHF payments with a QR reference only.")
    bic: Bic

    @field_validator("iban")
    @classmethod
    def _not_qr(cls, iban: str) -> str:
        if is_qr_iban(iban):
            raise PydanticCustomError(
                InvalidIban.code, "a QR-IBAN cannot receive SEPA transfers; give the account's plain IBAN"
            )
        return iban


class BankAccounts(RequestModel):
    """Where payments go, per currency; at least one."""

    CHF: ChfAccount | None = None
    EUR: EurAccount | None = None

    @model_validator(mode="after")
    def _some(self) -> Self:
        if self.CHF is None and self.EUR is None:
            raise ValueError("give an account for CHF, EUR or both")
        return self


class IssuerPut(RequestModel):
    """The whole issuer: what every invoice issued from now on names as its seller."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    legal_name: Name
    address: PostalAddress
    vat_id: VatId = Field(description="Required: every invoice shows the seller's VAT number.")
    email: Email
    payment_terms_days: int = Field(
        default=30, ge=0, le=365, description="An invoice is due this many days after it is issued."
    )
    bank_accounts: BankAccounts
    time_zone: str = Field(
        default="Europe/Zurich",
        description="IANA time zone of the issuer's calendar dates "
        "(invoice dates, due dates, payout execution dates).",
        json_schema_extra={
            "enum": list[JsonValue](sorted(available_timezones())),
            "examples": ["Europe/Zurich"],
        },
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        if zone not in _ZONES:
            raise ValueError("not an IANA time zone (such as Europe/Zurich)")
        return zone


_ZONES = frozenset(available_timezones())


class IssuerRead(BaseModel):
    legal_name: str
    address: AddressRead
    vat_id: str | None
    email: str
    payment_terms_days: int
    bank_accounts: dict[str, BankAccount] = Field(description="Per currency (`CHF`, `EUR`).")
    time_zone: str
    updated_at: str
