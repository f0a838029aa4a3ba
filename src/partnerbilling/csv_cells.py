"""How the CSV exports (SPEC §12) write a cell, and a batch of rows: pure, one function per kind
of cell, so that every export spells money, rates, dates and text the same way."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from partnerbilling.billing.money import format_money, format_rate

# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"): `=`, `+`, `-`,
# `@`, and a tab or carriage return, which some programs strip before they look.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = Sequence[str]


def inert(text: str) -> str:
    """A text cell a spreadsheet shows as text: one that would start a formula gets a leading
    `'`. Only for text (names, descriptions, ids): an amount is written by :func:`money_cell`
    and keeps its sign (``-120.00``)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def money_cell(amount: Decimal | str) -> str:
    """An amount as a plain number with two decimals (``120.00``, ``-9.72``); the invoice lines'
    JSON strings are read as ``Decimal``, never as floats."""
    return format_money(Decimal(amount))


def rate_cell(rate: Decimal) -> str:
    """A rate as a decimal fraction (``0.081``), as the JSON writes it."""
    return format_rate(rate)


def date_cell(moment: datetime) -> str:
    """The UTC calendar date of a moment (``2026-11-26``), as the documents print it."""
    return moment.astimezone(UTC).date().isoformat()


def time_cell(moment: datetime) -> str:
    """A moment in RFC 3339, UTC, as the JSON writes it."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def encode_rows(rows: Iterable[Row]) -> bytes:
    """Rows as UTF-8 CSV (RFC 4180: fields quoted where needed, quotes doubled, CRLF ends)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()
