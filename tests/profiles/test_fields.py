"""The profile field types on their own (no database): VAT numbers, IBANs, BICs, countries and
addresses, each checked by python-stdnum or pycountry and kept in one normal form."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from partnerbilling.fields_profile import Bic, Country, Iban, PostalAddress, VatId
from tests.profiles.helpers import CH_IBAN, QR_IBAN, ZURICH


def _refusal(kind: Any, value: object) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_python(value)
    [error] = caught.value.errors()
    return dict(error)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("CHE-116.281.710", "CHE-116.281.710"),
        ("CHE116281710", "CHE-116.281.710"),
        ("CHE-116.281.710 MWST", "CHE-116.281.710 MWST"),
        ("che 116 281 710 tva", "CHE-116.281.710 TVA"),
        ("CHE-116.281.710 IVA", "CHE-116.281.710 IVA"),
        ("DE136695976", "DE136695976"),
        ("de 136 695 976", "DE136695976"),
        ("FR40303265045", "FR40303265045"),
        ("IT00743110157", "IT00743110157"),
        ("ATU13585627", "ATU13585627"),
    ],
)
def test_valid_vat_numbers_are_kept_in_their_standard_form(sent: str, kept: str) -> None:
    assert TypeAdapter(VatId).validate_python(sent) == kept


@pytest.mark.parametrize(
    "sent",
    [
        "CHE-116.281.711",  # Swiss check digit
        "CHE-116.281.711 MWST",
        "CHE-116.281.710 VAT",  # not a Swiss VAT suffix
        "DE136695977",  # German checksum
        "FR40303265046",
        "ATU13585628",
        "136695976",  # no country prefix
        "XX136695976",  # no such prefix
        "GB980780684",  # not in the EU
        "",
        "   ",
        "CHE" + "1" * 80,
    ],
)
def test_invalid_vat_numbers_are_refused_with_their_own_code(sent: str) -> None:
    assert _refusal(VatId, sent)["type"] == "invalid_vat_id"


def test_a_vat_number_must_be_a_string() -> None:
    assert _refusal(VatId, 136695976)["type"] == "invalid_vat_id"


def test_ibans_are_checked_and_kept_compact() -> None:
    assert TypeAdapter(Iban).validate_python("ch93 0076 2011 6238 5295 7") == CH_IBAN
    assert TypeAdapter(Iban).validate_python(QR_IBAN) == QR_IBAN
    for bad in ("CH9300762011623852958", "CH93007620116238529", "XX9300762011623852957", "", 12):
        assert _refusal(Iban, bad)["type"] == "invalid_iban", bad


def test_bics_are_checked() -> None:
    assert TypeAdapter(Bic).validate_python("ubswchzh80a") == "UBSWCHZH80A"
    assert TypeAdapter(Bic).validate_python("DEUTDEFF") == "DEUTDEFF"
    for bad in ("UBSWXXZH", "UBSW", "UBSWCHZH80", "1BSWCHZH"):
        assert _refusal(Bic, bad)["type"] == "invalid_bic", bad


def test_countries_are_iso_codes_in_upper_case() -> None:
    assert TypeAdapter(Country).validate_python("LI") == "LI"
    # Lower case is refused, as a currency in lower case is: the standard's form is upper case.
    for bad in ("ch", "Ch", "XX", "CHE", "", 41):
        assert _refusal(Country, bad)["type"] == "value_error", bad


def test_an_address_keeps_to_the_qr_bill_limits() -> None:
    address = PostalAddress.model_validate({**ZURICH, "extra_line": "c/o Finance"})
    assert address.model_dump() == {**ZURICH, "extra_line": "c/o Finance"}
    assert PostalAddress.model_validate({**ZURICH, "street": "S" * 70, "city": "C" * 35}).city == "C" * 35
    too_long = {"street": 71, "building_number": 17, "postal_code": 17, "city": 36, "extra_line": 71}
    for field, length in too_long.items():
        with pytest.raises(ValidationError) as caught:
            PostalAddress.model_validate({**ZURICH, field: "x" * length})
        assert [e["loc"] for e in caught.value.errors()] == [(field,)]
    for field in ("street", "city", "extra_line"):
        with pytest.raises(ValidationError):
            PostalAddress.model_validate({**ZURICH, field: "Bahnhof\u2028strasse"})
    for field in ("street", "postal_code", "city", "country"):
        with pytest.raises(ValidationError):
            PostalAddress.model_validate({k: v for k, v in ZURICH.items() if k != field})
