"""The Swiss QR-bill's payment part drawn on the bottom 105 mm of the last page, per the SIX
"Style Guide QR-bill" and implementation guidelines 2.3: the receipt (62 mm) and the payment part
(148 mm), separated from the invoice and from each other by dashed lines with a scissors symbol;
the QR code 46 × 46 mm with the Swiss cross (7 × 7 mm) in its middle. Sans-serif throughout
(Vera Sans, the embedded font, in place of Helvetica or Arial, whose proportions it shares)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from stdnum import iban

from partnerbilling.documents import labels, swiss_qr
from partnerbilling.documents.domain import Document, Language
from partnerbilling.documents.drawing import BOLD, REGULAR, Canvas, mm, wrapped, write
from partnerbilling.documents.qr_code import draw_matrix, qr_matrix
from partnerbilling.documents.scissors import draw_scissors
from partnerbilling.documents.swiss_qr import Party
from partnerbilling.language import formats

HEIGHT = 105 * mm
RECEIPT = 62 * mm
QR_SIZE = 46 * mm
_MARGIN = 5 * mm
PAGE_WIDTH_A4 = A4[0]


def _address(party: Party) -> list[str]:
    street = " ".join(part for part in (party.street, party.house_num) if part)
    town = f"{party.pcode} {party.city}"
    if party.country not in ("CH", "LI"):
        town = f"{party.country}-{town}"
    return [line for line in (party.name, street, town) if line]


@dataclass(frozen=True, slots=True)
class _Style:
    """A column's type sizes (heading, value) and line step, in points."""

    heading: float
    value: float
    step: float


# The style guide's sizes first (receipt 6 / 8 pt, payment part 8 / 10 pt), then smaller ones
# for long names and addresses, so that a column never runs into what is below it.
RECEIPT_STYLES = (_Style(6, 8, 9), _Style(6, 7, 8), _Style(6, 6, 7))
PAYMENT_STYLES = (_Style(8, 10, 11), _Style(8, 9, 10), _Style(7, 8, 9))
# A group: its heading and lines, or its heading and a blank box (width, height) to fill in.
Group = tuple[str, list[str] | tuple[float, float]]


class _Column:
    """Headings and values written downwards from ``top`` in ``room`` points of width, a blank
    line between groups; the values wrapped (never cut) and set in the largest style whose
    lines end above ``bottom``."""

    def __init__(self, canvas: Canvas, x: float, room: float, top: float, bottom: float):
        self.canvas, self.x, self.room, self.top, self.bottom = canvas, x, room, top, bottom

    def _lines(self, lines: list[str], style: _Style) -> list[str]:
        return [part for line in lines for part in wrapped(line, REGULAR, style.value, self.room)]

    def _height(self, groups: list[Group], style: _Style) -> float:
        height = -style.step * 0.75
        for _, body in groups:
            height += style.step * 1.75
            height += len(self._lines(body, style)) * style.step if isinstance(body, list) else mm + body[1]
        return height

    def draw(self, groups: list[Group], styles: tuple[_Style, ...]) -> None:
        style = next((s for s in styles if self._height(groups, s) <= self.top - self.bottom), styles[-1])
        y = self.top + style.step * 0.75
        for title, body in groups:
            y -= style.step * 1.75
            write(self.canvas, self.x, y, title, size=style.heading, font=BOLD)
            if isinstance(body, list):
                for line in self._lines(body, style):
                    y -= style.step
                    write(self.canvas, self.x, y, line, size=style.value)
            else:
                width, height = body
                y -= mm + height
                corners(self.canvas, self.x, y, width, height)


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
    creditor = [iban.format(account.iban), *_address(swiss_qr.creditor(doc))]
    buyer = swiss_qr.debtor(doc)
    debtor = None if buyer is None else _address(buyer)
    return creditor, debtor, formats.reference_text(doc.payment_reference)


def _receipt(canvas: Canvas, doc: Document, language: Language) -> None:
    creditor, debtor, reference = _parts(doc)
    left, top = _MARGIN, HEIGHT - _MARGIN
    write(canvas, left, top - 11, labels.label("receipt", language), size=11, font=BOLD)
    amount_top = HEIGHT - 68 * mm
    groups: list[Group] = [
        (labels.label("account_payable_to", language), creditor),
        (labels.label("reference", language), [reference]),
        (labels.label("payable_by_blank", language), (52 * mm, 20 * mm))
        if debtor is None
        else (labels.label("payable_by", language), debtor),
    ]
    column = _Column(canvas, left, RECEIPT - 2 * _MARGIN, HEIGHT - 12 * mm, amount_top + 2)
    column.draw(groups, RECEIPT_STYLES)
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
    draw_matrix(canvas, qr_matrix(swiss_qr.swiss_payload(doc)), left, qr_bottom, QR_SIZE)
    swiss_cross(canvas, left + QR_SIZE / 2, qr_bottom + QR_SIZE / 2)
    amount_top = HEIGHT - 68 * mm
    write(canvas, left, amount_top - 8, labels.label("currency", language), size=8, font=BOLD)
    write(canvas, left + 17 * mm, amount_top - 8, labels.label("amount", language), size=8, font=BOLD)
    write(canvas, left, amount_top - 8 - 11, "CHF", size=10)
    write(canvas, left + 17 * mm, amount_top - 8 - 11, formats.qr_amount_text(doc.amount_due), size=10)
    groups: list[Group] = [
        (labels.label("account_payable_to", language), creditor),
        (labels.label("reference", language), [reference]),
        (labels.label("additional_information", language), [swiss_qr.six_text(doc.number, 140)]),
        (labels.label("payable_by_blank", language), (65 * mm, 25 * mm))
        if debtor is None
        else (labels.label("payable_by", language), debtor),
    ]
    x = left + QR_SIZE + _MARGIN
    column = _Column(canvas, x, PAGE_WIDTH_A4 - _MARGIN - x, HEIGHT - _MARGIN, _MARGIN)
    column.draw(groups, PAYMENT_STYLES)


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
