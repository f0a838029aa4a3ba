"""The Swiss QR-bill's data (SIX implementation guidelines 2.3): which documents carry one, and
the payload its QR code holds, built by the ``qrbill`` package from structured addresses only
("S": the combined "K" form is no longer accepted since November 2025)."""

from __future__ import annotations

from qrbill import QRBill

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


def _structured(name: str, address: Address) -> dict[str, str]:
    return {
        "name": name[:70],
        "street": address.street,
        "house_num": address.building_number or "",
        "pcode": address.postal_code,
        "city": address.city,
        "country": address.country,
    }


def qr_bill(doc: Document) -> QRBill:
    """The ``QRBill`` of a document that carries one (see :func:`has_qr_bill`): creditor = the
    seller's CHF account and address, debtor = the buyer (left blank without an address),
    amount = what is still due, reference = the document's payment reference (QRR on a QR-IBAN,
    else SCOR), additional information = the document's number."""
    account = doc.seller.bank_account
    assert account is not None and doc.payment_reference is not None
    buyer = doc.buyer
    return QRBill(
        account=account.iban,
        creditor=_structured(doc.seller.legal_name, doc.seller.address),
        debtor=None if buyer.address is None else _structured(buyer.legal_name, buyer.address),
        amount=format_money(doc.amount_due),
        currency="CHF",
        reference_number=doc.payment_reference,
        additional_information=doc.number,
        language=doc.language.value,
    )


def swiss_payload(doc: Document) -> str:
    """The text the QR-bill's code holds: ``SPC``, ``0200``, ``1``, … ``EPD``, lines separated by
    CR LF."""
    return str(qr_bill(doc).qr_data())
