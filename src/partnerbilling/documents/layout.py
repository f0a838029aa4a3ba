"""Where things go on an A4 page, and which page each goes on. The lines flow from the first
page's table onto further pages (the table's header repeated on each); the totals, notes and
payment details follow the last line, on a page of their own if they do not fit; the Swiss
QR-bill takes the bottom 105 mm of the last page, or a page of its own if the content leaves
less."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4

from partnerbilling.documents import labels
from partnerbilling.documents.domain import Document, Line
from partnerbilling.documents.drawing import BOLD, REGULAR, mm, wrapped
from partnerbilling.documents.epc import HEIGHT as TRANSFER_HEIGHT
from partnerbilling.documents.epc import has_transfer_details
from partnerbilling.documents.qr_bill import HEIGHT as QR_BILL_HEIGHT
from partnerbilling.documents.swiss_qr import has_qr_bill

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 22 * mm
RIGHT = PAGE_WIDTH - 20 * mm
BOTTOM = 20 * mm  # content stops here; the footer sits below
FOOTER = 10 * mm
NEXT_TOP = PAGE_HEIGHT - 24 * mm  # the table's top on the second and later pages
HEADER_ROW = 7 * mm
GAP = 6 * mm

# The columns right of the description: (key, right edge); the description takes the rest.
COLUMNS = (
    ("quantity", RIGHT - 77 * mm),
    ("unit_price", RIGHT - 56 * mm),
    ("discount", RIGHT - 35 * mm),
    ("net", RIGHT - 12 * mm),
    ("vat", RIGHT),
)
DESCRIPTION_ROOM = COLUMNS[0][1] - 12 * mm - LEFT
TEXT, DETAIL, LEADING = 8.5, 7.5, 10.0


@dataclass(frozen=True, slots=True)
class Row:
    """A line as the table prints it: its description wrapped to the column, and the details
    under it (the supply period; the customer on a partner-paid invoice)."""

    line: Line
    description: list[str]
    details: list[str]

    @property
    def height(self) -> float:
        return (len(self.description) + len(self.details)) * LEADING + 5


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    tail: bool  # totals, notes and payment details
    qr_bill: bool


def row_of(doc: Document, line: Line) -> Row:
    language = doc.language
    period = labels.period_text(line.period_start, line.period_end, language)
    details = [f"{labels.label('period', language)}: {period}"]
    if doc.names_customers:
        details.append(f"{labels.label('customer', language)}: {line.customer_name}")
    return Row(line, wrapped(line.description, REGULAR, TEXT, DESCRIPTION_ROOM), details)


def title_lines(doc: Document) -> list[str]:
    """The lines under a credit note's title: the invoice it credits, and why."""
    if doc.credited is None:
        return []
    language = doc.language
    credits = labels.label("credits", language).format(
        number=doc.credited.number, date=labels.date_text(doc.credited.issue_date, language)
    )
    lines = [credits]
    if doc.reason:
        reason = f"{labels.label('reason', language)}: {doc.reason}"
        lines.extend(wrapped(reason, REGULAR, 9, RIGHT - LEFT))
    return lines


def first_top(doc: Document) -> float:
    """The table's top on the first page: below the title and a credit note's lines."""
    return PAGE_HEIGHT - 108 * mm - len(title_lines(doc)) * 12


def notes(doc: Document) -> list[str]:
    """The reverse-charge notice (its words, then both VAT numbers), wrapped."""
    if not doc.buyer.reverse_charge:
        return []
    language = doc.language
    note = labels.label("reverse_charge_note", language).format(
        seller=doc.seller.vat_id or "–", buyer=doc.buyer.vat_id or "–"
    )
    heading = wrapped(labels.label("reverse_charge", language), BOLD, 9, RIGHT - LEFT)
    return heading + wrapped(note, REGULAR, 8.5, RIGHT - LEFT)


def totals_count(doc: Document) -> int:
    """Net total, VAT, total, and the amount due when a part is paid."""
    return 3 + (doc.amount_due != doc.total and not doc.is_credit_note)


def tail_height(doc: Document) -> float:
    height = GAP + totals_count(doc) * 14 + 4
    if doc.buyer.reverse_charge:
        height += GAP + len(notes(doc)) * 12
    if has_transfer_details(doc):
        height += GAP + TRANSFER_HEIGHT
    return height


def plan_pages(doc: Document, rows: list[Row]) -> list[Page]:
    """The pages: rows while they fit, then the tail, then the QR-bill."""
    pages: list[Page] = []
    current: list[Row] = []
    y = first_top(doc) - HEADER_ROW
    for row in rows:
        if y - row.height < BOTTOM and current:
            pages.append(Page(current, tail=False, qr_bill=False))
            current, y = [], NEXT_TOP - HEADER_ROW
        current.append(row)
        y -= row.height
    if y - tail_height(doc) < BOTTOM:
        pages.append(Page(current, tail=False, qr_bill=False))
        current, y = [], NEXT_TOP
    y -= tail_height(doc)
    if not has_qr_bill(doc):
        return [*pages, Page(current, tail=True, qr_bill=False)]
    if y < QR_BILL_HEIGHT + GAP:
        return [*pages, Page(current, tail=True, qr_bill=False), Page([], tail=False, qr_bill=True)]
    return [*pages, Page(current, tail=True, qr_bill=True)]
