"""The Swiss QR-bill's data (SIX implementation guidelines 2.3): which documents carry one, the
parties as the payment part prints them, and the payload its QR code holds, built by the
``qrbill`` package from structured addresses only ("S": the combined "K" form is no longer
accepted since November 2025).

Every field keeps to the guidelines to the letter: its text in the permitted character set
(normalised to NFC; a character outside it transliterated, and what has no transliteration
dropped) and within its length (name and street 70, building number and postcode 16, town 35).
A name longer than 70 is shortened here only: the document prints it in full."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from qrbill import QRBill
from text_unidecode import unidecode

from partnerbilling.billing.money import format_money
from partnerbilling.documents.domain import Address, Document


def has_qr_bill(doc: Document) -> bool:
    """A CHF invoice with something due, to a seller with a CHF account, ends with a QR-bill."""
    account = doc.seller.bank_account
    return (
        doc.currency == "CHF"
        and not doc.is_credit_note
        and doc.amount_due > 0
        and account is not None
        and doc.payment_reference is not None
    )


def _permitted(char: str) -> bool:
    """SIX IG 2.3, 4.1.1: Basic Latin and Latin-1 printable characters, Latin Extended-A, the
    Romanian Ș ș Ț ț and the euro sign."""
    code = ord(char)
    return 0x20 <= code <= 0x7E or 0xA0 <= code <= 0x17F or 0x218 <= code <= 0x21B or code == 0x20AC


@cache
def _replacement(char: str) -> str:
    return "" if unicodedata.category(char)[0] == "C" else "".join(filter(_permitted, unidecode(char)))


def six_text(value: str, limit: int) -> str:
    """``value`` in the QR-bill's character set and at most ``limit`` characters."""
    text = "".join(c if _permitted(c) else _replacement(c) for c in unicodedata.normalize("NFC", value))
    return " ".join(text.split())[:limit].rstrip()


@dataclass(frozen=True, slots=True)
class Party:
    """A creditor or debtor as the QR-bill holds it (structured address, ``S``)."""

    name: str
    street: str
    house_num: str
    pcode: str
    city: str
    country: str

    @classmethod
    def of(cls, name: str, address: Address) -> Party:
        return cls(
            name=six_text(name, 70) or "-",
            street=six_text(address.street, 70),
            house_num=six_text(address.building_number or "", 16),
            pcode=six_text(address.postal_code, 16) or "-",
            city=six_text(address.city, 35) or "-",
            country=address.country,
        )

    def fields(self) -> dict[str, str]:
        return {
            "name": self.name,
            "street": self.street,
            "house_num": self.house_num,
            "pcode": self.pcode,
            "city": self.city,
            "country": self.country,
        }


def creditor(doc: Document) -> Party:
    return Party.of(doc.seller.legal_name, doc.seller.address)


def debtor(doc: Document) -> Party | None:
    """The buyer, or None without an address (the payment part leaves the field blank)."""
    buyer = doc.buyer
    return None if buyer.address is None else Party.of(buyer.legal_name, buyer.address)


def qr_bill(doc: Document) -> QRBill:
    """The ``QRBill`` of a document that carries one (see :func:`has_qr_bill`): creditor = the
    seller's CHF account and address, debtor = the buyer (left blank without an address),
    amount = what is still due, reference = the document's payment reference (QRR on a QR-IBAN,
    else SCOR), additional information = the document's number."""
    account = doc.seller.bank_account
    assert account is not None and doc.payment_reference is not None
    buyer = debtor(doc)
    return QRBill(
        account=account.iban,
        creditor=creditor(doc).fields(),
        debtor=None if buyer is None else buyer.fields(),
        amount=format_money(doc.amount_due),
        currency="CHF",
        reference_number=doc.payment_reference,
        additional_information=six_text(doc.number, 140),
        language=doc.language.value,
    )


def swiss_payload(doc: Document) -> str:
    """The text the QR-bill's code holds: ``SPC``, ``0200``, ``1``, … ``EPD``, lines separated by
    CR LF."""
    return str(qr_bill(doc).qr_data())
