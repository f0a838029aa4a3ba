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
    mm,
    width,
    wrapped,
    write,
    write_lines,
)
from partnerbilling.documents.layout import (
    FOOT_LEADING,
    FOOTER,
    LEFT,
    PAGE_HEIGHT,
    RIGHT,
    foot_lines,
    title_lines,
)
from partnerbilling.language import formats

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
    """The seller's name (wrapped, never cut), address, VAT number and e-mail, top left."""
    seller, language = doc.seller, doc.language
    top = PAGE_HEIGHT - 14 * mm
    names = wrapped(seller.legal_name, BOLD, 10, RIGHT - LEFT)
    y = write_lines(canvas, LEFT, top, names, size=10, leading=12, font=BOLD)
    lines = labels.address_lines(seller.legal_name, seller.address, language, buyer_country(doc))[1:]
    if seller.vat_id:
        lines.append(" ".join(labels.vat_number(seller.vat_id, language)))
    lines.append(seller.email)
    # One line when the name takes more than one, so that the block stays above the window.
    if len(names) > 1:
        lines = wrapped(" · ".join(lines), REGULAR, 8.5, RIGHT - LEFT)
    write_lines(canvas, LEFT, y - 3, lines, size=8.5, leading=10.5, colour=GREY)


def _window(canvas: Canvas, doc: Document) -> None:
    """The sender's line and the buyer's address in the envelope window, wrapped to it."""
    seller, buyer, language = doc.seller, doc.buyer, doc.language
    inside = WINDOW_LEFT + 2 * mm
    room = WINDOW_WIDTH - 4 * mm
    sender = labels.address_lines(seller.legal_name, seller.address, language, buyer_country(doc))
    sender_lines = wrapped(" · ".join(sender), REGULAR, 6, room)
    y = write_lines(canvas, inside, WINDOW_TOP - 3 * mm, sender_lines, size=6, leading=7, colour=GREY)
    lines = labels.address_lines(buyer.legal_name, buyer.address, language, seller.address.country)
    lines = [part for line in lines for part in wrapped(line, REGULAR, 10, room)]
    size = 10.0 if len(lines) <= 7 else 8.5
    write_lines(canvas, inside, y - 2 * mm, lines, size=size, leading=size * 1.25)


def buyer_country(doc: Document) -> str:
    return doc.buyer.address.country if doc.buyer.address else doc.seller.address.country


def _facts(canvas: Canvas, doc: Document) -> None:
    language = doc.language
    facts = [
        (labels.label("number", language), doc.number),
        (labels.label("issue_date", language), labels.day(doc, doc.issue_date)),
    ]
    if not doc.is_credit_note:
        facts.append((labels.label("due_date", language), labels.day(doc, doc.due_date)))
    if doc.buyer.vat_id:
        facts.append(labels.vat_number(doc.buyer.vat_id, language))
    if doc.payment_reference:
        facts.append(
            (labels.label("payment_reference", language), formats.reference_text(doc.payment_reference))
        )
    y = WINDOW_TOP - 9
    for name, value in facts:
        write(canvas, FACTS_LEFT, y, name, size=8.5, colour=GREY)
        size = 9.0
        while size > 6.5 and width(value, REGULAR, size) > RIGHT - FACTS_VALUE:
            size -= 0.5
        write(canvas, FACTS_VALUE, y, value, size=size)
        y -= 13


def draw_parties(canvas: Canvas, doc: Document) -> None:
    """The seller's block and the buyer's address in the envelope window."""
    _seller(canvas, doc)
    _window(canvas, doc)


def draw_first_head(canvas: Canvas, doc: Document) -> None:
    draw_parties(canvas, doc)
    _facts(canvas, doc)
    top = PAGE_HEIGHT - 93 * mm
    write(canvas, LEFT, top - 16, f"{title(doc)} {doc.number}", size=16, font=BOLD)
    for index, line in enumerate(title_lines(doc)):
        write(canvas, LEFT, top - 16 - 16 - index * 12, line, size=9)


def draw_next_head(canvas: Canvas, doc: Document) -> None:
    """The title at the left, the seller's name at the right when it fits beside it (the foot
    names it in full on every page)."""
    top = PAGE_HEIGHT - 14 * mm
    heading = f"{title(doc)} {doc.number}"
    write(canvas, LEFT, top, heading, size=10, font=BOLD)
    room = RIGHT - LEFT - width(heading, BOLD, 10) - 8 * mm
    if width(doc.seller.legal_name, REGULAR, 8.5) <= room:
        write(canvas, RIGHT, top, doc.seller.legal_name, size=8.5, colour=GREY, align="right")
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, top - 4, RIGHT, top - 4)


def draw_foot(canvas: Canvas, doc: Document, number: int, count: int, bottom: float = FOOTER) -> None:
    """``page n / m`` at the right, the seller and its VAT number at the left, wrapped beside
    it (upwards from ``bottom``)."""
    page = f"{labels.label('page', doc.language)} {number} / {count}"
    write(canvas, RIGHT, bottom, page, size=7, colour=GREY, align="right")
    for index, line in enumerate(reversed(foot_lines(doc))):
        write(canvas, LEFT, bottom + index * FOOT_LEADING, line, size=7, colour=GREY)
