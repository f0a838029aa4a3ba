"""The e-mails the service sends, rendered as plain text."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from partnerbilling.mail.models import SUBJECT_LENGTH
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


_MODE_WORDS = {"customer": "the customer pays", "partner": "the partner (you) pays"}


def billing_mode_changed_mail(
    customer_name: str, old_mode: str, new_mode: str, at: datetime
) -> tuple[str, str]:
    """``(subject, body)`` of the message a partner gets when its customer changes the billing mode."""
    subject = f"{customer_name} changed the billing mode to '{new_mode}'"
    body = (
        f"Hello,\n\n"
        f"your customer {customer_name} changed the billing mode of your partnership\n"
        f"from '{old_mode}' ({_MODE_WORDS.get(old_mode, old_mode)})\n"
        f"to '{new_mode}' ({_MODE_WORDS.get(new_mode, new_mode)})\n"
        f"at {rfc3339(at)}.\n\n"
        f"It applies to every order and renewal from now on; existing orders and invoices\n"
        f"are unchanged.\n"
    )
    return subject, body


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
