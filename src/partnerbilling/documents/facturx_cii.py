"""How a :class:`Document` is written in UN/CEFACT CII D16B: the namespaces, one way to add an
element, and the CII spellings of amounts, rates, dates and the VAT category."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum

from lxml import etree

from partnerbilling.documents.domain import Document

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "qdt": QDT, "ram": RAM, "udt": UDT}

_CENTS = Decimal("0.01")
# What XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class VatCategory(StrEnum):
    """UNTDID 5305, the three the service issues."""

    STANDARD = "S"
    REVERSE_CHARGE = "AE"
    # A rate of 0 without reverse charge: the service knows the rate it charged, not a legal
    # ground for an exemption, so "zero rated" (Z) rather than "exempt" (E), whose BR-E-10 asks
    # for an exemption reason the service does not record; "not subject to VAT" (O) is out too,
    # as BR-O-02 forbids the VAT identifiers that SPEC §8 requires on every document.
    ZERO_RATED = "Z"


def vat_category(doc: Document) -> VatCategory:
    if doc.buyer.reverse_charge:
        return VatCategory.REVERSE_CHARGE
    return VatCategory.STANDARD if doc.tax_rate != 0 else VatCategory.ZERO_RATED


def positive(doc: Document, value: Decimal) -> Decimal:
    """An amount as CII writes it: a credit note's amounts are positive (EN 16931), where the
    service stores them negative."""
    return -value if doc.is_credit_note else value


def ram(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """Append ``ram:tag`` (with ``text`` and ``attributes``) to ``parent``."""
    # An empty attribute mapping costs lxml as much again as the element itself: pass none.
    qualified = f"{{{RAM}}}{tag}"
    element = (
        etree.SubElement(parent, qualified, attributes) if attributes else etree.SubElement(parent, qualified)
    )
    if text is not None:
        try:
            element.text = text
        except ValueError:  # a control character in a name or description: XML 1.0 has no way to say it
            element.text = _NOT_XML.sub("", text)
    return element


def ram_date(parent: etree._Element, tag: str, value: date) -> None:
    """``ram:tag`` holding ``udt:DateTimeString`` in format 102."""
    holder = ram(parent, tag)
    string = etree.SubElement(holder, f"{{{UDT}}}DateTimeString", format="102")
    string.text = day(value)


def amount(value: Decimal) -> str:
    """A CII amount: two decimals (more only if the value has more), never "-0.00"."""
    cents = abs(value).quantize(_CENTS) if value == 0 else value.quantize(_CENTS)
    return format(cents if cents == value else value, "f")


def percent(rate: Decimal) -> str:
    """A CII percentage from a fraction: 0.081 → "8.10", 0 → "0.00"."""
    return amount(rate * 100)


def day(value: date) -> str:
    """A CII date, format 102 (CCYYMMDD)."""
    return value.strftime("%Y%m%d")
