"""``render_slip``: a payment slip for an account top-up (SPEC §13), one A4 page in the payer's
language: the issuer, the payer's address in the window, the title, and the Swiss QR-bill (CHF)
or the SEPA transfer details with their EPC QR code (EUR), drawn by the invoices' own code. The
document it draws is a top-up: no lines, ``amount_due`` the amount, ``number`` the text of the
QR-bill's additional information. Deterministic: the same slip gives the same bytes."""

from __future__ import annotations

from io import BytesIO

from partnerbilling.documents import labels
from partnerbilling.documents.domain import Document
from partnerbilling.documents.drawing import BOLD, Canvas, mm, write
from partnerbilling.documents.epc import draw_transfer_details, has_transfer_details
from partnerbilling.documents.layout import LEFT, PAGE_HEIGHT, PAGE_WIDTH, RIGHT
from partnerbilling.documents.page import draw_parties
from partnerbilling.documents.qr_bill import draw_qr_bill
from partnerbilling.documents.swiss_qr import has_qr_bill

_TITLE_TOP = PAGE_HEIGHT - 100 * mm


def render_slip(doc: Document) -> bytes:
    """The slip's PDF: the QR-bill of a CHF top-up, the transfer details of a EUR one."""
    assert has_qr_bill(doc) or has_transfer_details(doc)
    target = BytesIO()
    canvas = Canvas(target, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
    title = labels.label("top_up", doc.language)
    canvas.setTitle(title)
    canvas.setAuthor(doc.seller.legal_name)
    draw_parties(canvas, doc)
    write(canvas, LEFT, _TITLE_TOP, title, size=16, font=BOLD)
    write(canvas, LEFT, _TITLE_TOP - 9 * mm, doc.number, size=9)
    if has_qr_bill(doc):
        draw_qr_bill(canvas, doc, PAGE_WIDTH)
    else:
        draw_transfer_details(canvas, doc, LEFT, RIGHT, _TITLE_TOP - 18 * mm)
    canvas.showPage()
    canvas.save()
    return target.getvalue()
