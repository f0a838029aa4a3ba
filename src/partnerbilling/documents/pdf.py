"""``render_pdf``: an issued document as a PDF/A-3b invoice or credit note in the buyer's
language, its Factur-X XML embedded, ending with the Swiss QR-bill (CHF) or the SEPA transfer
details and EPC QR code (EUR) when something is due. Pure and deterministic: the same document
and XML give the same bytes."""

from __future__ import annotations

from io import BytesIO

from partnerbilling.documents.domain import Document
from partnerbilling.documents.drawing import Canvas, mm
from partnerbilling.documents.layout import (
    NEXT_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Page,
    first_top,
    plan_pages,
    row_of,
)
from partnerbilling.documents.page import draw_first_head, draw_foot, draw_next_head, title
from partnerbilling.documents.pdfa import Info, make_pdfa, pdfa_canvas
from partnerbilling.documents.qr_bill import HEIGHT as QR_BILL_HEIGHT
from partnerbilling.documents.qr_bill import draw_qr_bill
from partnerbilling.documents.table import draw_row, draw_table_head, draw_tail


def _info(doc: Document) -> Info:
    heading = f"{title(doc)} {doc.number}"
    return Info(
        title=heading,
        author=doc.seller.legal_name,
        subject=f"{heading}, {doc.buyer.legal_name}",
        keywords=doc.number,
        time=doc.issued_at,
    )


def _draw_page(canvas: Canvas, doc: Document, page: Page, number: int, count: int) -> None:
    if number == 1:
        draw_first_head(canvas, doc)
        y = first_top(doc)
    else:
        draw_next_head(canvas, doc)
        y = NEXT_TOP
    if page.rows:
        y = draw_table_head(canvas, doc, y)
        for row in page.rows:
            y = draw_row(canvas, doc, row, y)
    if page.tail:
        draw_tail(canvas, doc, y)
    if page.qr_bill:
        draw_qr_bill(canvas, doc, PAGE_WIDTH)
        draw_foot(canvas, doc, number, count, bottom=QR_BILL_HEIGHT + 3 * mm)
    else:
        draw_foot(canvas, doc, number, count)


def render_pdf(doc: Document, xml: bytes) -> bytes:
    """The document's PDF/A-3b with ``xml`` attached as ``factur-x.xml``."""
    pages = plan_pages(doc, [row_of(doc, line) for line in doc.lines])
    info = _info(doc)
    target = BytesIO()
    canvas = pdfa_canvas(target, info, (PAGE_WIDTH, PAGE_HEIGHT))
    for number, page in enumerate(pages, start=1):
        _draw_page(canvas, doc, page, number, len(pages))
        canvas.showPage()
    make_pdfa(canvas, info, xml)
    canvas.save()
    return target.getvalue()
