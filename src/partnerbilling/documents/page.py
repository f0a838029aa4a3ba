"""The first page's head (the seller top left, the buyer in the envelope window, the document's
facts beside it, the title), the head of later pages, and every page's foot."""

from __future__ import annotations

from partnerbilling.documents import labels
from partnerbilling.documents.domain import Document
from partnerbilling.documents.drawing import (
    BOLD,
    GREY,
    REGULAR,
    RULE,
    Canvas,
    fitted,
    mm,
    width,
    write,
    write_lines,
)
from partnerbilling.documents.layout import FOOTER, LEFT, PAGE_HEIGHT, RIGHT, title_lines

# The address window of a C5 or DL envelope with its window on the LEFT (SN 010130 / DIN 5008
# form B): 20 mm from the left edge, 45 mm from the top, 85 × 45 mm; the sender's line at its
# top, the address below it.
WINDOW_LEFT = 20 * mm
WINDOW_TOP = PAGE_HEIGHT - 45 * mm
WINDOW_WIDTH = 85 * mm
FACTS_LEFT = 109 * mm
FACTS_VALUE = FACTS_LEFT + 33 * mm


def title(doc: Document) -> str:
    return labels.label("credit_note" if doc.is_credit_note else "invoice", doc.language)


def _seller(canvas: Canvas, doc: Document) -> None:
    seller, language = doc.seller, doc.language
    top = PAGE_HEIGHT - 14 * mm
    write(canvas, LEFT, top - 10, seller.legal_name, size=10, font=BOLD)
    lines = labels.address_lines(seller.legal_name, seller.address, language, buyer_country(doc))[1:]
    if seller.vat_id:
        lines.append(f"{labels.label('vat_id', language)} {seller.vat_id}")
    lines.append(seller.email)
    write_lines(canvas, LEFT, top - 13, lines, size=8.5, leading=10.5, colour=GREY)


def _window(canvas: Canvas, doc: Document) -> None:
    seller, buyer, language = doc.seller, doc.buyer, doc.language
    inside = WINDOW_LEFT + 2 * mm
    room = WINDOW_WIDTH - 4 * mm
    sender = labels.address_lines(seller.legal_name, seller.address, language, buyer_country(doc))
    sender_line = fitted(" · ".join(sender), REGULAR, 6.5, room)
    write(canvas, inside, WINDOW_TOP - 5 * mm, sender_line, size=6.5, colour=GREY)
    lines = labels.address_lines(buyer.legal_name, buyer.address, language, seller.address.country)
    lines = [fitted(line, REGULAR, 10, room) for line in lines]
    write_lines(canvas, inside, WINDOW_TOP - 10 * mm, lines, size=10, leading=12.5)


def buyer_country(doc: Document) -> str:
    return doc.buyer.address.country if doc.buyer.address else doc.seller.address.country


def _facts(canvas: Canvas, doc: Document) -> None:
    language = doc.language
    facts = [
        ("number", doc.number),
        ("issue_date", labels.date_text(doc.issue_date, language)),
    ]
    if not doc.is_credit_note:
        facts.append(("due_date", labels.date_text(doc.due_date, language)))
    if doc.buyer.vat_id:
        facts.append(("buyer_vat_id", doc.buyer.vat_id))
    if doc.payment_reference:
        facts.append(("payment_reference", labels.reference_text(doc.payment_reference)))
    y = WINDOW_TOP - 9
    for key, value in facts:
        write(canvas, FACTS_LEFT, y, labels.label(key, language), size=8.5, colour=GREY)
        size = 9.0
        while size > 6.5 and width(value, REGULAR, size) > RIGHT - FACTS_VALUE:
            size -= 0.5
        write(canvas, FACTS_VALUE, y, value, size=size)
        y -= 13


def draw_first_head(canvas: Canvas, doc: Document) -> None:
    _seller(canvas, doc)
    _window(canvas, doc)
    _facts(canvas, doc)
    top = PAGE_HEIGHT - 93 * mm
    write(canvas, LEFT, top - 16, f"{title(doc)} {doc.number}", size=16, font=BOLD)
    for index, line in enumerate(title_lines(doc)):
        write(canvas, LEFT, top - 16 - 16 - index * 12, line, size=9)


def draw_next_head(canvas: Canvas, doc: Document) -> None:
    top = PAGE_HEIGHT - 14 * mm
    write(canvas, LEFT, top, f"{title(doc)} {doc.number}", size=10, font=BOLD)
    write(canvas, RIGHT, top, doc.seller.legal_name, size=8.5, colour=GREY, align="right")
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, top - 4, RIGHT, top - 4)


def draw_foot(canvas: Canvas, doc: Document, number: int, count: int, bottom: float = FOOTER) -> None:
    """``page n / m`` at the right, the seller and its VAT number at the left."""
    language = doc.language
    seller = doc.seller
    left = " · ".join(part for part in (seller.legal_name, seller.vat_id, seller.email) if part)
    write(canvas, LEFT, bottom, left, size=7, colour=GREY)
    page = f"{labels.label('page', language)} {number} / {count}"
    write(canvas, RIGHT, bottom, page, size=7, colour=GREY, align="right")
