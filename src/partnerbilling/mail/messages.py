"""The e-mails the service sends, rendered as plain text in the recipient's language (the words
of :mod:`partnerbilling.language`, its dates and numbers)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from partnerbilling.billing.domain import InvoiceDocument
from partnerbilling.billing.issue import calendar_dates
from partnerbilling.language import Language, formats, word
from partnerbilling.mail.models import SUBJECT_LENGTH
from partnerbilling.states import InvoiceKind
from partnerbilling.visibility import rfc3339

# What must never reach a header: controls (Cc, with CR, LF and NEL), surrogates (Cs), the line
# and paragraph separators (Zl, Zp) that the e-mail library refuses as line breaks, and the
# bidirectional controls that make a subject read other than it is.
_BREAKING = frozenset(("Cc", "Cs", "Zl", "Zp"))
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def header_text(value: str) -> str:
    """``value`` as one line that cannot break a header: every control, separator or
    bidirectional control becomes a space, and each run of white space a single space. Applied
    to what is stored, too, so that text written before the input rules still makes a message."""
    spaced = "".join(" " if c in _BIDI_CONTROLS or unicodedata.category(c) in _BREAKING else c for c in value)
    return " ".join(spaced.split())


def fit_subject(subject: str) -> str:
    """The subject as one header line, cut to what the outbox keeps."""
    line = header_text(subject)
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1].rstrip() + "\u2026"


def billing_mode_changed_mail(
    language: Language, customer_name: str, old_mode: str, new_mode: str, at: datetime, zone: ZoneInfo
) -> tuple[str, str]:
    """``(subject, body)`` of the message a partner gets, in its language, when its customer
    changes the billing mode: the customer, both modes, and the day and time in ``zone`` (the
    issuer's)."""
    day, time = formats.moment_texts(at, zone, language)
    modes = {
        "old": old_mode,
        "new": new_mode,
        "old_words": word(f"mode_{old_mode}", language),
        "new_words": word(f"mode_{new_mode}", language),
    }
    subject = word("mode_subject", language).format(customer=customer_name, **modes)
    body = word("mode_body", language).format(
        customer=customer_name, date=day, time=time, zone=zone.key, **modes
    )
    return subject, f"{word('greeting', language)}\n\n{body}"


def invoice_mail(document: InvoiceDocument, credited_number: str | None) -> tuple[str, str]:
    """``(subject, body)`` of the message that sends an issued invoice or credit note (its PDF
    attached) to its payer, in the buyer's language: its number and date, what it asks for, its
    due date and payment reference, and each line (what, for which period)."""
    buyer = document.buyer or {}
    language = Language.of(buyer.get("language"))
    country = (buyer.get("address") or {}).get("country")
    issue_date, due_date = calendar_dates(
        document.issued_at, document.due_at, document.issue_date, document.due_date
    )
    values = {
        "number": document.number,
        "seller": (document.seller or {}).get("legal_name", ""),
        "date": formats.date_text(issue_date, language),
        "due": formats.date_text(due_date, language),
        "currency": document.currency,
        "amount": formats.amount_text(document.total, language, country),
        "reference": formats.reference_text(document.payment_reference or ""),
        "invoice": credited_number or "",
    }
    kind = "credit_note" if document.kind == InvoiceKind.CREDIT_NOTE else "invoice"
    subject = word(f"{kind}_subject", language).format(**values)
    lines = "".join(f"- {line['description']}\n" for line in document.lines)
    body = word(f"{kind}_body", language).format(**values)
    return subject, f"{word('greeting', language)}\n\n{body}\n{lines}\n{word('attached', language)}"


def webhook_endpoint_disabled_mail(url: str, reason: str, at: datetime) -> tuple[str, str]:
    """``(subject, body)`` of the message an organisation gets when one of its webhook endpoints
    is disabled because deliveries to it keep failing."""
    subject = f"Webhook endpoint disabled: {url}"
    body = (
        f"Hello,\n\n"
        f"we disabled your webhook endpoint\n"
        f"  {url}\n"
        f"at {rfc3339(at)}: {reason}.\n\n"
        f"No more events are sent to it, and its undelivered events were marked as failed.\n"
        f"Once the endpoint works again, enable it (PATCH /v1/webhook-endpoints/{{id}} with\n"
        f'{{"enabled": true}}) and redeliver what you missed, or catch up with GET /v1/events.\n'
    )
    return subject, body
