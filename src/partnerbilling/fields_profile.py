"""Validated input types of billing profiles and the issuer (SPEC §7): countries, VAT numbers,
IBANs, BICs, languages and structured postal addresses. Numbers are checked by python-stdnum,
never by checksums of our own; each is stored in one normal form, whatever spacing or case it
was sent in."""

from __future__ import annotations

import re
from typing import Annotated, Literal

import pycountry
from pydantic import BeforeValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.ch import uid as ch_uid
from stdnum.ch import vat as ch_vat
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as NumberError

from partnerbilling.errors import InvalidBic, InvalidIban, InvalidVatId
from partnerbilling.fields import SINGLE_LINE, SOME_TEXT, RequestModel

Language = Literal["de", "fr", "it", "en"]
"""The language of an organisation's documents and e-mails."""

COUNTRIES: tuple[str, ...] = tuple(sorted(country.alpha_2 for country in pycountry.countries))
_COUNTRY = re.compile(r"[A-Z]{2}")
# Longer input is no number of these kinds, however it is spaced; refused before it is parsed.
_LONGEST_INPUT = 64


def _country(value: object) -> str:
    """An ISO 3166-1 alpha-2 code as the standard writes it: upper case (``ch`` is refused,
    as ``chf`` is for a currency)."""
    if not isinstance(value, str) or not _COUNTRY.fullmatch(value) or value not in COUNTRIES:
        raise ValueError('must be an ISO 3166-1 alpha-2 country code in upper case, e.g. "CH"')
    return value


Country = Annotated[
    str,
    BeforeValidator(_country),
    WithJsonSchema(
        {"type": "string", "enum": list(COUNTRIES), "description": "ISO 3166-1 alpha-2.", "examples": ["CH"]}
    ),
]


_REASONS: tuple[tuple[type[NumberError], str], ...] = (
    (InvalidChecksum, "its check digits do not match"),
    (InvalidLength, "it has the wrong length"),
    (InvalidFormat, "it has the wrong format"),
    (InvalidComponent, "a part of it, such as its country prefix, is unknown"),
)


def _reason(exc: NumberError) -> str:
    return next((reason for kind, reason in _REASONS if isinstance(exc, kind)), "it is not valid")


def _text(value: object, code: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _LONGEST_INPUT:
        raise PydanticCustomError(code, "must be {what}", {"what": what})
    return value.strip()


_VAT_ID = (
    "a Swiss UID (CHE-123.456.789, optionally with MWST, TVA or IVA) or an EU VAT number with its"
    " country prefix"
)


def _vat_id(value: object) -> str:
    """A Swiss UID in its formatted form (``CHE-116.281.710``, with its VAT suffix as sent:
    ``CHE-116.281.710 MWST``), or an EU VAT number compact with its prefix (``DE136695976``)."""
    text = _text(value, InvalidVatId.code, _VAT_ID)
    if text.upper().startswith("CHE"):
        if ch_vat.is_valid(text):
            return str(ch_vat.format(text))
        if ch_uid.is_valid(text):
            return str(ch_uid.format(text))
        raise PydanticCustomError(
            InvalidVatId.code, "not a valid Swiss UID: expected CHE-123.456.789 (with a valid check digit)"
        )
    try:
        return str(eu_vat.validate(text))
    except NumberError as exc:
        raise PydanticCustomError(
            InvalidVatId.code,
            "not a valid VAT number ({reason}): expected {what}",
            {"reason": _reason(exc), "what": _VAT_ID},
        ) from None


VatId = Annotated[
    str,
    BeforeValidator(_vat_id),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": _LONGEST_INPUT,
            "description": "A Swiss UID (`CHE-116.281.710`, optionally followed by `MWST`, `TVA` or "
            "`IVA`) or an EU VAT number with its country prefix (`DE136695976`), checked by checksum "
            "(else 422 `invalid_vat_id`). Stored as `CHE-116.281.710 MWST` or compact (`DE136695976`).",
            "examples": ["CHE-116.281.710 MWST"],
        }
    ),
]


def _iban(value: object) -> str:
    """An IBAN, compact and upper case (``CH9300762011623852957``)."""
    text = _text(value, InvalidIban.code, "an IBAN")
    try:
        return str(stdnum_iban.validate(text))
    except NumberError as exc:
        raise PydanticCustomError(
            InvalidIban.code, "not a valid IBAN ({reason})", {"reason": _reason(exc)}
        ) from None


Iban = Annotated[
    str,
    BeforeValidator(_iban),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": _LONGEST_INPUT,
            "description": "An IBAN, checked by checksum (else 422 `invalid_iban`); stored compact.",
            "examples": ["CH9300762011623852957"],
        }
    ),
]


def _bic(value: object) -> str:
    """A BIC (8 or 11 characters), compact and upper case."""
    text = _text(value, InvalidBic.code, "a BIC")
    try:
        return str(stdnum_bic.validate(text))
    except NumberError as exc:
        raise PydanticCustomError(
            InvalidBic.code, "not a valid BIC ({reason})", {"reason": _reason(exc)}
        ) from None


Bic = Annotated[
    str,
    BeforeValidator(_bic),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": _LONGEST_INPUT,
            "description": "A BIC (8 or 11 characters; else 422 `invalid_bic`).",
            "examples": ["UBSWCHZH80A"],
        }
    ),
]


def _line(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


# One line of printable text each (as a name: no control characters), as long as the Swiss
# QR-bill allows (SIX IG 2.3).
_DOCUMENTED = Field(json_schema_extra={"pattern": SOME_TEXT})
Line70 = Annotated[str, _line(70), SINGLE_LINE, _DOCUMENTED]
Line35 = Annotated[str, _line(35), SINGLE_LINE, _DOCUMENTED]
Line16 = Annotated[str, _line(16), SINGLE_LINE, _DOCUMENTED]


class PostalAddress(RequestModel):
    """A structured postal address, as the Swiss QR-bill requires."""

    street: Line70
    building_number: Line16 | None = None
    postal_code: Line16
    city: Line35
    country: Country
    extra_line: Line70 | None = None
