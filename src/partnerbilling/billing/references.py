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
