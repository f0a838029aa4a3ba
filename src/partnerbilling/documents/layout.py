"""Where things go on an A4 page, and which page each goes on. The lines flow from the first
page's table onto further pages (the table's header repeated on each); the totals, notes and
payment details follow the last line, on a page of their own if they do not fit; the Swiss
QR-bill takes the bottom 105 mm of the last page, or a page of its own if the content leaves
less."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4

from partnerbilling.documents import labels
from partnerbilling.documents.domain import Document, Language, Line
from partnerbilling.documents.drawing import BOLD, REGULAR, mm, wrapped
from partnerbilling.documents.epc import HEIGHT as TRANSFER_HEIGHT
from partnerbilling.documents.epc import has_transfer_details
from partnerbilling.documents.qr_bill import HEIGHT as QR_BILL_HEIGHT
from partnerbilling.documents.swiss_qr import has_qr_bill
from partnerbilling.language import formats

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
    """The line's text (the product in the document's language and the kind of charge, or the
    stored description of a document issued before lines said so), its period and customer."""
    language = doc.language
    text = line.description
    if line.product_name and line.kind:
        text = f"{line.product_name}, {labels.label(line.kind, language)}"
    period = formats.period_text(line.period_start, line.period_end, language)
    details = [f"{labels.caption('period', language)} {period}"]
    if doc.names_customers:
        details.append(f"{labels.caption('customer', language)} {line.customer_name}")
    details = [part for detail in details for part in wrapped(detail, REGULAR, DETAIL, DESCRIPTION_ROOM)]
    return Row(line, wrapped(text, REGULAR, TEXT, DESCRIPTION_ROOM), details)


def title_lines(doc: Document) -> list[str]:
    """The lines under a credit note's title: the invoice it credits, and why."""
    if doc.credited is None:
        return []
    language = doc.language
    credits = labels.label("credits", language).format(
        number=doc.credited.number, date=labels.day(doc, doc.credited.issue_date)
    )
    lines = wrapped(credits, REGULAR, 9, RIGHT - LEFT)
    if doc.reason:
        reason = f"{labels.caption('reason', language)} {doc.reason}"
        lines.extend(wrapped(reason, REGULAR, 9, RIGHT - LEFT))
    return lines


def first_top(doc: Document) -> float:
    """The table's top on the first page: below the title and a credit note's lines."""
    return PAGE_HEIGHT - 108 * mm - len(title_lines(doc)) * 12


def notes(doc: Document) -> list[tuple[str, bool]]:
    """The reverse-charge notice (its words in bold, then both VAT numbers) and, on a credit
    note, where the money goes; wrapped, each line with whether it is bold."""
    language = doc.language
    lines: list[tuple[str, bool]] = []
    if doc.buyer.reverse_charge:
        note = labels.label("reverse_charge_note", language).format(
            seller=_vat(doc.seller.vat_id, language), buyer=_vat(doc.buyer.vat_id, language)
        )
        heading = labels.label("reverse_charge", language)
        lines += [(line, True) for line in wrapped(heading, BOLD, 9, RIGHT - LEFT)]
        lines += [(line, False) for line in wrapped(note, REGULAR, 8.5, RIGHT - LEFT)]
    if doc.is_credit_note:
        if doc.credited_paid > 0:
            amount = f"{doc.currency} {labels.money(doc, doc.credited_paid)}"
            where = labels.label("credited_to_account", language).format(amount=amount)
        else:
            where = labels.label("nothing_to_pay", language)
        lines += [(line, False) for line in wrapped(where, REGULAR, 8.5, RIGHT - LEFT)]
    return lines


def _vat(vat_id: str | None, language: Language) -> str:
    return labels.vat_number(vat_id, language)[1] if vat_id else "–"


@dataclass(frozen=True, slots=True)
class Total:
    """A row of the totals: its words, its amount, and whether it is one to read first."""

    name: str
    value: str
    strong: bool


def totals(doc: Document) -> list[Total]:
    """Net total, VAT, total; then what was paid: a partly paid invoice's payments (date,
    amount) above the amount due, or the day a paid one was paid."""
    language, currency = doc.language, doc.currency
    vat = labels.label("vat_on", language).format(rate=labels.rate(doc), base=labels.money(doc, doc.subtotal))
    rows = [
        Total(labels.label("subtotal", language), labels.money(doc, doc.subtotal), False),
        Total(vat, labels.money(doc, doc.tax), False),
        Total(f"{labels.label('total', language)} {currency}", labels.money(doc, doc.total), True),
    ]
    if doc.is_credit_note:
        return rows
    if doc.paid_on is not None and doc.amount_due == 0:
        paid = labels.label("paid_on", language).format(date=labels.day(doc, doc.paid_on))
        return [*rows, Total(paid, labels.money(doc, doc.total), False)]
    if doc.payments and doc.amount_due > 0:
        for payment in doc.payments:
            name = labels.label("payment_of", language).format(date=labels.day(doc, payment.day))
            rows.append(Total(name, labels.money(doc, -payment.amount), False))
        due = f"{labels.label('amount_due', language)} {currency}"
        rows.append(Total(due, labels.money(doc, doc.amount_due), True))
    return rows


def tail_height(doc: Document) -> float:
    height = GAP + len(totals(doc)) * 14 + 4
    if notes(doc):
        height += GAP + len(notes(doc)) * 12
    if has_transfer_details(doc):
        height += GAP + TRANSFER_HEIGHT
    return height


FOOT_LEADING = 8.5
# The page number's room at the right of the foot.
_FOOT_ROOM = RIGHT - LEFT - 22 * mm


def foot_lines(doc: Document) -> list[str]:
    """The foot: the seller's name, VAT number and e-mail, wrapped beside the page number."""
    seller = doc.seller
    vat = " ".join(labels.vat_number(seller.vat_id, doc.language)) if seller.vat_id else None
    text = " · ".join(part for part in (seller.legal_name, vat, seller.email) if part)
    return wrapped(text, REGULAR, 7, _FOOT_ROOM)


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
    if y < QR_BILL_HEIGHT + GAP + len(foot_lines(doc)) * FOOT_LEADING:
        return [*pages, Page(current, tail=True, qr_bill=False), Page([], tail=False, qr_bill=True)]
    return [*pages, Page(current, tail=True, qr_bill=True)]
