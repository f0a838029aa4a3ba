"""SEPA transfer details for a EUR invoice with an amount due: IBAN, BIC, the ``RF`` reference
and the amount, beside an EPC QR code ("GiroCode", EPC069-12 version 002, UTF-8, error
correction M) that a banking app turns into the transfer."""

from __future__ import annotations

import segno.helpers
from stdnum import iban

from partnerbilling.documents import labels
from partnerbilling.documents.domain import Document
from partnerbilling.documents.drawing import BOLD, GREY, Canvas, mm, write
from partnerbilling.documents.qr_code import draw_matrix, qr_matrix
from partnerbilling.language import formats

HEIGHT = 34 * mm
QR_SIZE = 30 * mm
_UTF8 = 1  # EPC069-12 character set 1


def has_transfer_details(doc: Document) -> bool:
    """A EUR invoice with something due, to a seller with a EUR account, shows them."""
    return (
        doc.currency == "EUR"
        and not doc.is_credit_note
        and doc.amount_due > 0
        and doc.seller.bank_account is not None
        and doc.payment_reference is not None
    )


def epc_matrix(doc: Document) -> tuple[tuple[bool, ...], ...]:
    """The EPC QR code's modules: the seller as beneficiary, the amount due, the payment
    reference as structured remittance."""
    account = doc.seller.bank_account
    assert account is not None
    # The payload of segno.helpers.make_epc_qr (its checks included), made into a symbol whose
    # mask is chosen by qr_matrix: make_epc_qr's own choice of mask costs ten times as much.
    payload = segno.helpers._make_epc_qr_data(  # type: ignore[attr-defined]
        name=doc.seller.legal_name[:70],
        iban=account.iban,
        amount=doc.amount_due,
        reference=doc.payment_reference,
        bic=account.bic,
        encoding=_UTF8,
        text=None,
        purpose=None,
    )
    return qr_matrix(payload)


def draw_transfer_details(canvas: Canvas, doc: Document, left: float, right: float, top: float) -> None:
    """The block, ``HEIGHT`` tall, from ``top`` down between ``left`` and ``right``."""
    account = doc.seller.bank_account
    assert account is not None and doc.payment_reference is not None
    language = doc.language
    write(canvas, left, top - 10, labels.label("payment_details", language), size=10, font=BOLD)
    rows = [
        (labels.label("beneficiary", language), doc.seller.legal_name),
        ("IBAN", iban.format(account.iban)),
        ("BIC", account.bic or ""),
        (labels.label("reference", language), formats.reference_text(doc.payment_reference)),
        (labels.label("amount", language), f"EUR {labels.money(doc, doc.amount_due)}"),
    ]
    y = top - 10 - 15
    for name, value in rows:
        write(canvas, left, y, name, size=8.5, colour=GREY)
        write(canvas, left + 28 * mm, y, value, size=9)
        y -= 12
    draw_matrix(canvas, epc_matrix(doc), right - QR_SIZE, top - QR_SIZE, QR_SIZE)
    caption = labels.label("scan_to_pay", language)
    write(canvas, right, top - QR_SIZE - 9, caption, size=6.5, colour=GREY, align="right")
