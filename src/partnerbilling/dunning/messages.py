"""The dunning e-mails (SPEC §10), in the recipient's language (the words of
:mod:`partnerbilling.language`): plain text, dates as the language writes them.

The payer's reminder names the amount due, the due date and the payment reference. The
customer's warning, when its partner pays, names the product, the partner and the suspension
date, and never an amount or the invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from partnerbilling.billing.dunning import FINAL_NOTICE, SUSPENSION
from partnerbilling.language import Language, formats, word


def payer_mail(
    language: Language,
    country: str | None,
    level: int,
    number: str,
    due: tuple[Decimal, str, date],
    reference: str | None,
    suspends_on: date | None,
) -> tuple[str, str]:
    """``(subject, body)`` of a dunning step's message to the payer; ``due``: the amount due,
    its currency and the due date; amounts as the payer's ``country`` writes them."""
    amount, currency, due_date = due
    subject = f"{word(f'step_{level}', language)}: {number}"
    body = word("dunning_body", language).format(
        number=number,
        amount=formats.amount_text(amount, language, country),
        currency=currency,
        due=formats.date_text(due_date, language),
        reference=formats.reference_text(reference) if reference else "–",
    )
    if level == SUSPENSION:
        body += word("dunning_suspended", language)
    elif level == FINAL_NOTICE and suspends_on is not None:
        body += word("dunning_suspends", language).format(date=formats.date_text(suspends_on, language))
    return subject, f"{word('greeting', language)}\n\n{body}"


def customer_at_risk_mail(
    language: Language, level: int, product: str, partner: str, suspends_on: date
) -> tuple[str, str]:
    """``(subject, body)`` of the customer's warning when its partner does not pay: the product,
    the partner and the suspension date; never an amount or the invoice."""
    day = formats.date_text(suspends_on, language)
    subject = word("at_risk_subject", language).format(product=product)
    body = word("at_risk_body", language).format(partner=partner, product=product, date=day)
    if level == SUSPENSION:
        body += word("suspended_now", language).format(product=product, date=day)
    return subject, f"{word('greeting', language)}\n\n{body}"
