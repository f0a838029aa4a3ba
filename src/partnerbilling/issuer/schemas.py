"""The issuer's request and read models."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Self
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from partnerbilling.billing.references import is_qr_iban
from partnerbilling.errors import InvalidIban, QrIbanNotDebitable
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
    "payout_accounts": {
        "CHF": {"iban": "CH9300762011623852957", "bic": "UBSWCHZH80A"},
        "EUR": {"iban": "CH5604835012345678009", "bic": "CRESCHZZ80A"},
    },
    "time_zone": "Europe/Zurich",
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


def _debitable(iban: str) -> str:
    if is_qr_iban(iban):
        raise PydanticCustomError(
            QrIbanNotDebitable.code, "a QR-IBAN cannot be debited; give the account's plain IBAN"
        )
    return iban


class ChfPayoutAccount(RequestModel):
    iban: Iban = Field(description="Not a QR-IBAN (banks do not debit those).")
    bic: Bic | None = Field(
        default=None, description="The bank's BIC, if known (else the file says NOTPROVIDED)."
    )

    not_qr_iban = field_validator("iban")(_debitable)


class EurPayoutAccount(RequestModel):
    iban: Iban = Field(description="Not a QR-IBAN (banks do not debit those).")
    bic: Bic

    not_qr_iban = field_validator("iban")(_debitable)


class PayoutAccounts(RequestModel):
    """The accounts payouts are debited from, per currency (SPEC §13); a batch in a currency
    without one is refused."""

    CHF: ChfPayoutAccount | None = None
    EUR: EurPayoutAccount | None = None


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


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
        examples=["Europe/Zurich"],
    )
    payout_accounts: PayoutAccounts | None = Field(
        default=None,
        description="The accounts payouts are debited from, per currency (never a QR-IBAN: "
        "422 `qr_iban_not_debitable`). Not part of the seller copied onto documents.",
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
    payout_accounts: dict[str, BankAccount] = Field(
        description="The accounts payouts are debited from, per currency; `{}` when none is set."
    )
    updated_at: str
