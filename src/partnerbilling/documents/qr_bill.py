"""The Swiss QR-bill's payment part drawn on the bottom 105 mm of the last page, per the SIX
"Style Guide QR-bill" and implementation guidelines 2.3: the receipt (62 mm) and the payment part
(148 mm), separated from the invoice and from each other by dashed lines with a scissors symbol;
the QR code 46 × 46 mm with the Swiss cross (7 × 7 mm) in its middle. Sans-serif throughout
(Vera Sans, the embedded font, in place of Helvetica or Arial, whose proportions it shares)."""

from __future__ import annotations

from stdnum import iban

from partnerbilling.documents import labels
from partnerbilling.documents.domain import Address, Document, Language
from partnerbilling.documents.drawing import BOLD, Canvas, mm, write
from partnerbilling.documents.qr_code import draw_matrix, qr_matrix
from partnerbilling.documents.scissors import draw_scissors
from partnerbilling.documents.swiss_qr import swiss_payload
from partnerbilling.language import formats

HEIGHT = 105 * mm
RECEIPT = 62 * mm
QR_SIZE = 46 * mm
_MARGIN = 5 * mm


def _address(name: str, address: Address) -> list[str]:
    street = " ".join(part for part in (address.street, address.building_number) if part)
    town = f"{address.postal_code} {address.city}"
    if address.country not in ("CH", "LI"):
        town = f"{address.country}-{town}"
    return [line for line in (name, street, town) if line]


class _Column:
    """Headings and values written downwards from the top of a part (receipt: 6 / 8 pt on 9 pt
    lines; payment part: 8 / 10 pt on 11 pt lines), a blank line between groups."""

    def __init__(self, canvas: Canvas, x: float, top: float, heading: float, value: float, step: float):
        self.canvas, self.x, self.y = canvas, x, top
        self.heading, self.value, self.step = heading, value, step
        self.started = False

    def group(self, title: str, lines: list[str]) -> None:
        if self.started:
            self.y -= self.step * 0.75
        self.started = True
        self.y -= self.step
        write(self.canvas, self.x, self.y, title, size=self.heading, font=BOLD)
        for line in lines:
            self.y -= self.step
            write(self.canvas, self.x, self.y, line, size=self.value)

    def blank_box(self, title: str, width: float, height: float) -> None:
        self.group(title, [])
        self.y -= 1 * mm
        corners(self.canvas, self.x, self.y - height, width, height)
        self.y -= height


def corners(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    """The corner marks of a field the payer fills in by hand (3 mm by 2 mm, 0.75 pt)."""
    canvas.setLineWidth(0.75)
    canvas.setStrokeColorRGB(0, 0, 0)
    arm_x, arm_y = 3 * mm, 2 * mm
    for cx, dx in ((x, arm_x), (x + width, -arm_x)):
        for cy, dy in ((y, arm_y), (y + height, -arm_y)):
            canvas.line(cx, cy, cx + dx, cy)
            canvas.line(cx, cy, cx, cy + dy)


def _parts(doc: Document) -> tuple[list[str], list[str] | None, str]:
    account = doc.seller.bank_account
    assert account is not None and doc.payment_reference is not None
    creditor = [iban.format(account.iban), *_address(doc.seller.legal_name, doc.seller.address)]
    buyer = doc.buyer
    debtor = None if buyer.address is None else _address(buyer.legal_name, buyer.address)
    return creditor, debtor, formats.reference_text(doc.payment_reference)


def _receipt(canvas: Canvas, doc: Document, language: Language) -> None:
    creditor, debtor, reference = _parts(doc)
    left, top = _MARGIN, HEIGHT - _MARGIN
    write(canvas, left, top - 11, labels.label("receipt", language), size=11, font=BOLD)
    column = _Column(canvas, left, HEIGHT - 12 * mm, 6, 8, 9)
    column.group(labels.label("account_payable_to", language), creditor)
    column.group(labels.label("reference", language), [reference])
    if debtor is None:
        column.blank_box(labels.label("payable_by_blank", language), 52 * mm, 20 * mm)
    else:
        column.group(labels.label("payable_by", language), debtor)
    amount_top = HEIGHT - 68 * mm
    write(canvas, left, amount_top - 6, labels.label("currency", language), size=6, font=BOLD)
    write(canvas, left + 12 * mm, amount_top - 6, labels.label("amount", language), size=6, font=BOLD)
    write(canvas, left, amount_top - 6 - 9, "CHF", size=8)
    write(canvas, left + 12 * mm, amount_top - 6 - 9, formats.qr_amount_text(doc.amount_due), size=8)
    acceptance = HEIGHT - 82 * mm - 6
    write(
        canvas,
        RECEIPT - _MARGIN,
        acceptance,
        labels.label("acceptance_point", language),
        size=6,
        font=BOLD,
        align="right",
    )


def _payment_part(canvas: Canvas, doc: Document, language: Language) -> None:
    creditor, debtor, reference = _parts(doc)
    left, top = RECEIPT + _MARGIN, HEIGHT - _MARGIN
    write(canvas, left, top - 11, labels.label("payment_part", language), size=11, font=BOLD)
    qr_bottom = HEIGHT - 17 * mm - QR_SIZE
    draw_matrix(canvas, qr_matrix(swiss_payload(doc)), left, qr_bottom, QR_SIZE)
    swiss_cross(canvas, left + QR_SIZE / 2, qr_bottom + QR_SIZE / 2)
    amount_top = HEIGHT - 68 * mm
    write(canvas, left, amount_top - 8, labels.label("currency", language), size=8, font=BOLD)
    write(canvas, left + 17 * mm, amount_top - 8, labels.label("amount", language), size=8, font=BOLD)
    write(canvas, left, amount_top - 8 - 11, "CHF", size=10)
    write(canvas, left + 17 * mm, amount_top - 8 - 11, formats.qr_amount_text(doc.amount_due), size=10)
    column = _Column(canvas, left + QR_SIZE + _MARGIN, HEIGHT - _MARGIN, 8, 10, 11)
    column.group(labels.label("account_payable_to", language), creditor)
    column.group(labels.label("reference", language), [reference])
    column.group(labels.label("additional_information", language), [doc.number])
    if debtor is None:
        column.blank_box(labels.label("payable_by_blank", language), 65 * mm, 25 * mm)
    else:
        column.group(labels.label("payable_by", language), debtor)


def swiss_cross(canvas: Canvas, cx: float, cy: float) -> None:
    """The Swiss cross, 7 × 7 mm centred on (``cx``, ``cy``): a black square in a thin white
    border, with a white cross of arms 3.3 × 11 twentieths of the side (SIX's proportions)."""
    unit = 7 * mm / 20
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(cx - 10 * unit, cy - 10 * unit, 20 * unit, 20 * unit, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.rect(cx - 9 * unit, cy - 9 * unit, 18 * unit, 18 * unit, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(cx - 1.65 * unit, cy - 5.5 * unit, 3.3 * unit, 11 * unit, stroke=0, fill=1)
    canvas.rect(cx - 5.5 * unit, cy - 1.65 * unit, 11 * unit, 3.3 * unit, stroke=0, fill=1)


def _perforation(canvas: Canvas, page_width: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.5)
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setDash(2, 2)
    canvas.line(0, HEIGHT, page_width, HEIGHT)
    canvas.line(RECEIPT, 0, RECEIPT, HEIGHT)
    canvas.restoreState()
    draw_scissors(canvas, 12 * mm, HEIGHT, rotation=0)
    draw_scissors(canvas, RECEIPT, HEIGHT - 12 * mm, rotation=-90)


def draw_qr_bill(canvas: Canvas, doc: Document, page_width: float) -> None:
    """The payment part of a document that carries one, on the current page's bottom 105 mm."""
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(0, 0, page_width, HEIGHT, stroke=0, fill=1)
    _perforation(canvas, page_width)
    _receipt(canvas, doc, doc.language)
    _payment_part(canvas, doc, doc.language)
