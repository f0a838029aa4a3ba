"""Every word a document prints, in the buyer's language (the tables of
:mod:`partnerbilling.language`), the VAT numbers' wording, and postal addresses. How numbers,
dates and references are written is :mod:`partnerbilling.language.formats`."""

from __future__ import annotations

import gettext
import re
from datetime import date
from decimal import Decimal
from functools import cache

import pycountry

from partnerbilling.documents.domain import Address, Document
from partnerbilling.language import Language, formats, labelled, word


def label(key: str, language: Language) -> str:
    return word(key, language)


def money(doc: Document, amount: Decimal) -> str:
    """An amount as the document's buyer's country writes it."""
    return formats.amount_text(amount, doc.language, doc.number_country)


def rate(doc: Document) -> str:
    return formats.rate_text(doc.tax_rate, doc.language, doc.number_country)


def day(doc: Document, value: date) -> str:
    return formats.date_text(value, doc.language)


def caption(key: str, language: Language) -> str:
    """A label with its colon, as the language writes it (``Période :``)."""
    return labelled(word(key, language), language)


# A Swiss UID's VAT suffix as entered (``MWST``, ``TVA``, ``IVA``, or ``VAT``).
_SWISS_SUFFIX = re.compile(r"\s*(MWST|TVA|IVA|VAT)$")


def vat_number(vat_id: str, language: Language) -> tuple[str, str]:
    """``(label, number)`` of a VAT number in ``language``: a Swiss UID under ``MWST-Nr.`` (…)
    with that language's suffix (``CHE-116.281.710 TVA``), an EU number under ``USt-IdNr.``
    (…) as it is."""
    if vat_id.startswith("CHE"):
        number = _SWISS_SUFFIX.sub("", vat_id)
        return word("vat_id_ch", language), f"{number} {word('vat_suffix', language)}"
    return word("vat_id_eu", language), vat_id


@cache
def _countries(language: Language) -> gettext.NullTranslations:
    if language is Language.EN:
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language.value])


def country_name(code: str, language: Language) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return code if country is None else _countries(language).gettext(country.name)


def address_lines(name: str, address: Address | None, language: Language, home: str) -> list[str]:
    """A postal address: name, extra line, street and number, postcode and city, and the country
    when it is not ``home`` (the sender's)."""
    if address is None:
        return [name]
    street = " ".join(part for part in (address.street, address.building_number) if part)
    lines = [name, *(line for line in (address.extra_line, street) if line)]
    lines.append(f"{address.postal_code} {address.city}")
    if address.country != home:
        lines.append(country_name(address.country, language))
    return lines
