"""Issuing a planned document: what it becomes once it has its number (pure; the number, the
moment and the issuer's snapshot come from :func:`partnerbilling.invoices.repository.take_number`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from partnerbilling.billing.domain import InvoiceDocument
from partnerbilling.billing.references import is_qr_iban, payment_reference
from partnerbilling.issuer.domain import DEFAULT_TIME_ZONE
from partnerbilling.jsonio import JSON
from partnerbilling.language import Language, formats, word
from partnerbilling.states import InvoiceKind

# The payment terms of a document issued while no issuer is configured.
DEFAULT_PAYMENT_TERMS_DAYS = 30
# The zone of the calendar dates of a document stored without them (the issuer's default).
DEFAULT_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)


def calendar_dates(
    issued_at: datetime, due_at: datetime | None, issue_date: date | None, due_date: date | None
) -> tuple[date, date]:
    """A document's issue and due dates: the stored ones, else those of ``issued_at`` and
    ``due_at`` in :data:`DEFAULT_ZONE` (a document being planned has no due date yet: its issue
    date)."""
    issued = issue_date or issued_at.astimezone(DEFAULT_ZONE).date()
    due = due_date or (due_at.astimezone(DEFAULT_ZONE).date() if due_at else issued)
    return issued, due


# The key of a planned line's period as moments (its first and end instants), until it is issued
# and they become its days in the issuer's zone; never stored.
PERIOD_MOMENTS = "_period_moments"
# The key of a planned line that names the customer it is for in its description (a monthly
# invoice's lines are for several customers); never stored.
NAMES_CUSTOMER = "_names_customer"


def dated_lines(lines: list[JSON], language: Language, zone: ZoneInfo) -> list[JSON]:
    """A planned document's lines as issued: each period's first day and end (exclusive) as
    calendar days in ``zone``, and its description with the first and last day billed, in
    ``language`` (a line without its moments, as a credit note copies it, stays as it is)."""
    dated = []
    for line in lines:
        if PERIOD_MOMENTS not in line:
            dated.append(line)
            continue
        fields = {k: v for k, v in line.items() if k not in (PERIOD_MOMENTS, NAMES_CUSTOMER)}
        start, end = (moment.astimezone(zone).date() for moment in line[PERIOD_MOMENTS])
        period = formats.period_text(start, end, language)
        kind = word(fields["kind"], language)
        description = word("line", language).format(name=fields["product_name"], kind=kind, period=period)
        if line.get(NAMES_CUSTOMER):
            description = f"{fields['customer_name']}: {description}"
        fields["description"] = description
        dated.append(fields | {"period_start": start.isoformat(), "period_end": end.isoformat()})
    return dated


def invoice_number(year: int, last_number: int) -> str:
    """``2026-000042``: the year and the series' number, six digits at least."""
    return f"{year}-{last_number:06d}"


def numbered(
    document: InvoiceDocument, year: int, last_number: int, at: datetime, seller: JSON | None, zone: ZoneInfo
) -> InvoiceDocument:
    """The document as issued: its number (``year``: of its issue date in ``zone``, the issuer's),
    dated ``at``, its seller (the issuer as it is now, None if none is configured), its due date
    (the issuer's payment terms after ``at``; a credit note's is ``at``, nothing is due), both
    also as calendar dates in ``zone``, and the reference a payment quotes (None on a credit
    note)."""
    number = invoice_number(year, last_number)
    issue_date = at.astimezone(zone).date()
    language = Language.of((document.buyer or {}).get("language"))
    document = replace(document, lines=dated_lines(document.lines, language, zone))
    if document.kind == InvoiceKind.CREDIT_NOTE:
        return replace(
            document,
            number=number,
            issued_at=at,
            seller=seller,
            due_at=at,
            issue_date=issue_date,
            due_date=issue_date,
        )
    terms = seller["payment_terms_days"] if seller else DEFAULT_PAYMENT_TERMS_DAYS
    due_at = at + timedelta(days=terms)
    return replace(
        document,
        number=number,
        issued_at=at,
        seller=seller,
        due_at=due_at,
        issue_date=issue_date,
        due_date=due_at.astimezone(zone).date(),
        payment_reference=payment_reference(number, qr_iban=_pays_to_qr_iban(document.currency, seller)),
    )


def _pays_to_qr_iban(currency: str, seller: JSON | None) -> bool:
    account = (seller or {}).get("bank_accounts", {}).get(currency)
    return account is not None and is_qr_iban(account["iban"])
