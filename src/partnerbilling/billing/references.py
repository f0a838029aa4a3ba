"""Payment references derived from an invoice's number, so that a payment that quotes one can be
matched back to its invoice: a Swiss QR reference (27 digits, the last a mod-10 recursive check
digit) for a CHF account that is a QR-IBAN, else an ISO 11649 creditor reference (``RF``, two
check digits, the number's digits). ``2026-000042`` → ``RF…2026000042`` or
``000000000000000020260000427`` (… its check digit)."""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.ch import esr
from stdnum.iso7064 import mod_97_10

_NUMBER = re.compile(r"([0-9]{4})-([0-9]{6,})")


def _digits(number: str) -> str:
    match = _NUMBER.fullmatch(number)
    if match is None:
        raise ValueError(f"not an invoice number: {number!r}")
    return match.group(1) + match.group(2)


def creditor_reference(number: str) -> str:
    """The ISO 11649 creditor reference of an invoice number (``RF`` + check digits + digits)."""
    digits = _digits(number)
    return "RF" + mod_97_10.calc_check_digits(digits + "RF") + digits


def qr_reference(number: str) -> str:
    """The Swiss QR reference of an invoice number: its digits, zero-padded to 26, and the
    mod-10 recursive check digit."""
    body = _digits(number).zfill(26)
    return body + esr.calc_check_digit(body)


def payment_reference(number: str, *, qr_iban: bool) -> str:
    """The reference a payment of the invoice quotes: a QR reference on a QR-IBAN (the only
    reference a QR-IBAN takes), else a creditor reference."""
    return qr_reference(number) if qr_iban else creditor_reference(number)


def number_of(reference: str) -> str | None:
    """The invoice number a valid reference was derived from (either kind, spaces allowed), or
    None if it is not one of ours."""
    compact = reference.replace(" ", "").upper()
    if compact.startswith("RF"):
        if not iso11649.is_valid(compact):
            return None
        digits = compact[4:]
    else:
        if len(compact) != 27 or not esr.is_valid(compact):
            return None
        digits = compact[:26].lstrip("0")
    year, rest = digits[:4], digits[4:]
    if not digits.isdigit() or not "2000" <= year <= "2999":
        return None
    if len(rest) != 6 and (len(rest) < 6 or rest.startswith("0")):
        return None  # as invoice_number writes them: six digits, or more without leading zeros
    return f"{year}-{rest}"


def is_qr_iban(iban: str) -> bool:
    """A Swiss or Liechtenstein IBAN whose institution id (IID, positions 5–9) is 30000–31999:
    payments to it must quote a QR reference."""
    compact = iban.replace(" ", "").upper()
    return compact[:2] in ("CH", "LI") and compact[4:9].isdigit() and 30000 <= int(compact[4:9]) <= 31999


# Top-up references (SPEC §13): the digits start with the marker 9 (an invoice's start with its
# year, 2000–2999, so the two never collide), then the currency's digit, then the organisation's
# top-up number in ten digits: ``9`` ``1`` (CHF) / ``2`` (EUR) ``0000000042``.
TOP_UP_MARKER = "9"
_TOP_UP_CURRENCIES = {"CHF": "1", "EUR": "2"}
_TOP_UP = re.compile(rf"{TOP_UP_MARKER}([12])([0-9]{{10}})")


def _top_up_digits(number: int, currency: str) -> str:
    if not 0 < number < 10**10:
        raise ValueError(f"not a top-up number: {number}")
    return TOP_UP_MARKER + _TOP_UP_CURRENCIES[currency] + str(number).zfill(10)


def top_up_reference(number: int, currency: str, *, qr_iban: bool) -> str:
    """The reference a top-up of the organisation with this top-up number quotes, in
    ``currency``: a QR reference on a CHF QR-IBAN, else a creditor reference."""
    digits = _top_up_digits(number, currency)
    if currency == "CHF" and qr_iban:
        body = digits.zfill(26)
        return body + esr.calc_check_digit(body)
    return "RF" + mod_97_10.calc_check_digits(digits + "RF") + digits


def top_up_of(reference: str) -> tuple[int, str] | None:
    """The top-up number and currency a valid top-up reference was made of, or None."""
    compact = reference.replace(" ", "").upper()
    if compact.startswith("RF"):
        digits = compact[4:] if iso11649.is_valid(compact) else ""
    else:
        digits = compact[:26].lstrip("0") if len(compact) == 27 and esr.is_valid(compact) else ""
    match = _TOP_UP.fullmatch(digits)
    if match is None:
        return None
    currency = next(c for c, digit in _TOP_UP_CURRENCIES.items() if digit == match.group(1))
    return int(match.group(2)), currency
