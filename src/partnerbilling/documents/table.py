"""The table of lines (description with its supply period and customer, quantity, unit price,
discount, net amount, VAT rate) and what follows the last line: the totals per currency and
rate, the reverse-charge notice, and the SEPA transfer details."""

from __future__ import annotations

from partnerbilling.documents import labels
from partnerbilling.documents.domain import Document
from partnerbilling.documents.drawing import BOLD, GREY, REGULAR, RULE, SHADE, Canvas, mm, write, write_lines
from partnerbilling.documents.epc import draw_transfer_details, has_transfer_details
from partnerbilling.documents.layout import (
    COLUMNS,
    DETAIL,
    GAP,
    HEADER_ROW,
    LEADING,
    LEFT,
    RIGHT,
    TEXT,
    Row,
    notes,
    totals,
)


def draw_table_head(canvas: Canvas, doc: Document, top: float) -> float:
    """The header row; returns the y below it."""
    language = doc.language
    canvas.setFillColorRGB(*SHADE)
    canvas.rect(LEFT, top - HEADER_ROW, RIGHT - LEFT, HEADER_ROW, stroke=0, fill=1)
    baseline = top - HEADER_ROW + 2.4 * mm
    write(canvas, LEFT + 1.5 * mm, baseline, labels.label("description", language), size=7.5, font=BOLD)
    for key, right in COLUMNS:
        edge = right - 1.5 * mm if key == "vat" else right
        write(canvas, edge, baseline, labels.label(key, language), size=7.5, font=BOLD, align="right")
    return top - HEADER_ROW


def draw_row(canvas: Canvas, doc: Document, row: Row, top: float) -> float:
    """One line; returns the y below it."""
    line = row.line
    y = write_lines(canvas, LEFT + 1.5 * mm, top - 2.5, row.description, size=TEXT, leading=LEADING)
    write_lines(canvas, LEFT + 1.5 * mm, y, row.details, size=DETAIL, leading=LEADING, colour=GREY)
    values = {
        "quantity": str(line.quantity),
        "unit_price": labels.money(doc, line.unit_price),
        "discount": labels.money(doc, line.discount),
        "net": labels.money(doc, line.net_amount),
        "vat": labels.rate(doc),
    }
    for key, right in COLUMNS:
        edge = right - 1.5 * mm if key == "vat" else right
        write(canvas, edge, top - 2.5 - TEXT * 0.9, values[key], size=TEXT, align="right")
    bottom = top - row.height
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.4)
    canvas.line(LEFT, bottom, RIGHT, bottom)
    return bottom


def draw_tail(canvas: Canvas, doc: Document, top: float) -> float:
    """Totals, the reverse-charge notice and the transfer details from ``top`` down; returns the
    y below them."""
    y = top - GAP
    label_left = RIGHT - 85 * mm
    for total in totals(doc):
        name, value, strong = total.name, total.value, total.strong
        font = BOLD if strong else REGULAR
        if strong:
            canvas.setStrokeColorRGB(0, 0, 0)
            canvas.setLineWidth(0.6)
            canvas.line(label_left, y, RIGHT, y)
        write(canvas, label_left, y - 10.5, name, size=9, font=font)
        write(canvas, RIGHT, y - 10.5, value, size=9, font=font, align="right")
        y -= 14
    y -= 4
    lines = notes(doc)
    if lines:
        y -= GAP
        for line, bold in lines:
            write(canvas, LEFT, y - 9, line, size=9 if bold else 8.5, font=BOLD if bold else REGULAR)
            y -= 12
    if has_transfer_details(doc):
        y -= GAP
        canvas.setStrokeColorRGB(*RULE)
        canvas.line(LEFT, y + GAP / 2, RIGHT, y + GAP / 2)
        draw_transfer_details(canvas, doc, LEFT, RIGHT, y)
    return y
