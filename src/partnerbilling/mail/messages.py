"""The e-mails the service sends, rendered as plain text."""

from __future__ import annotations

from datetime import datetime

from partnerbilling.visibility import rfc3339

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
