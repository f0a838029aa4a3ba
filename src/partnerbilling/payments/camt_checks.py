"""What a credit of a bank file must satisfy before anything of the file is recorded (SPEC §13):
an amount that is positive, of at most two decimals and at most 1,000,000,000.00; booking and
value dates between 1970-01-01 and 2100-12-31; an entry whose amount is the sum of its
transactions' where they give theirs. A breach refuses the whole file (422), naming the entry."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from partnerbilling.payments.camt_types import UnreadableNotification

MAX_CREDIT = Decimal("1000000000.00")
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2100, 12, 31)

# Digits with at most two decimals; the size is checked as a number (a bank may pad with zeros).
_AMOUNT = re.compile(r"[0-9]{1,30}(\.[0-9]{1,2})?")
_CURRENCY = re.compile(r"[A-Z]{3}")


def checked_amount(text: str, currency: str, where: str) -> tuple[Decimal, str]:
    """The amount and currency of an ``Amt`` element's text and ``Ccy``, or the file is refused."""
    if not _AMOUNT.fullmatch(text):
        raise UnreadableNotification(f"{where}: the amount {text!r} is not a decimal with at most 2 places")
    if not _CURRENCY.fullmatch(currency):
        raise UnreadableNotification(f"{where}: the amount has no currency (Ccy)")
    amount = Decimal(text)
    if amount <= 0:
        raise UnreadableNotification(f"{where}: the amount {text!r} is not positive")
    if amount > MAX_CREDIT:
        raise UnreadableNotification(f"{where}: the amount {text!r} is above {MAX_CREDIT}")
    return amount.quantize(Decimal("0.01")), currency


def checked_day(value: str, kind: str, where: str) -> date | datetime:
    """A booking or value date (``Dt``, or ``DtTm`` when ``value`` has a time), between
    1970-01-01 and 2100-12-31, or the file is refused."""
    try:
        moment: date | datetime = (
            datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value[:10])
        )  # xs:date may carry a zone: the day is what counts
    except ValueError:
        raise UnreadableNotification(f"{where}: the {kind} {value!r} is not a date") from None
    day = moment.date() if isinstance(moment, datetime) else moment
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UnreadableNotification(
            f"{where}: the {kind} {value!r} is not between {FIRST_DAY} and {LAST_DAY}"
        )
    return moment


def check_sum(
    entry: tuple[Decimal, str], transactions: Sequence[tuple[Decimal, str] | None], where: str
) -> None:
    """An entry's amount is the sum of its transactions' own amounts, when each gives one."""
    given = [amount for amount in transactions if amount is not None]
    if not given or len(given) < len(transactions):
        return
    total, currency = entry
    if any(ccy != currency for _, ccy in given) or sum(a for a, _ in given) != total:
        listed = " + ".join(f"{a} {c}" for a, c in given)
        raise UnreadableNotification(
            f"{where}: the entry's amount {total} {currency} is not the sum of its transactions ({listed})"
        )
