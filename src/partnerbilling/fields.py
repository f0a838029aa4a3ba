"""Validated input types shared by the request schemas."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from partnerbilling.errors import ValidationFailed
from partnerbilling.jsonio import JSON


class RequestModel(BaseModel):
    """The base of every request body. Strict: a boolean is only ``true`` or ``false``, an
    integer only a JSON integer (not ``"1"``, ``1e2``, ``2.0`` or ``true``), a string only a
    string; unknown fields are refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


Currency = Literal["CHF", "EUR"]
CURRENCIES: tuple[str, ...] = ("CHF", "EUR")

# What no free text may hold, since it ends up in mail headers, log lines and documents: C0 and
# C1 controls and DEL (category Cc), the line and paragraph separators (Zl, Zp) that e-mail and
# many text tools take for line breaks, and the bidirectional embedding, override and isolate
# controls that make text display other than it reads. One class for the validator and the
# JSON-schema pattern, so that clients and fuzzers follow the rule the service enforces.
_FORBIDDEN = r"\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069"
# Surrogates (Cs) are refused too, by the validator only: the Rust regex engines of schema
# validators cannot name them and would drop the whole pattern, and a lone surrogate has no
# UTF-8 form (it arrives only as a JSON escape).
_FORBIDDEN_CHARACTER = re.compile(f"[{_FORBIDDEN}\\ud800-\\udfff]")
_ANY_TEXT = f"^[^{_FORBIDDEN}]*$"
SOME_TEXT = f"^[^{_FORBIDDEN}]*[^\\s{_FORBIDDEN}][^{_FORBIDDEN}]*$"  # something besides spaces


def _single_line(value: str) -> str:
    if found := _FORBIDDEN_CHARACTER.search(value):
        raise ValueError(
            f"must not contain U+{ord(found.group()):04X}: control characters, line or paragraph"
            " separators and bidirectional controls are refused"
        )
    return value


SINGLE_LINE = AfterValidator(_single_line)

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    SINGLE_LINE,
    Field(json_schema_extra={"pattern": SOME_TEXT}),
]
"""A name: one line of printable text, something besides spaces, at most 200 characters."""

Description = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    SINGLE_LINE,
    Field(json_schema_extra={"pattern": _ANY_TEXT}),
]
"""A description: one line of printable text, possibly empty, at most 500 characters."""

Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    SINGLE_LINE,
    Field(json_schema_extra={"pattern": SOME_TEXT}),
]
"""Why something was done: one line of printable text, at most 500 characters."""

Email = Annotated[EmailStr, Field(max_length=320)]
Code = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
    Field(examples=["gold"]),
]

_RATE_PATTERN = r"^0(\.[0-9]{1,4})?$"
_MONEY_PATTERN = r"^[0-9]{1,10}\.[0-9]{2}$"
_POSITIVE_MONEY_PATTERN = r"^([0-9]{0,9}[1-9][0-9]{0,9}\.[0-9]{2}|[0-9]{1,10}\.(0[1-9]|[1-9][0-9]))$"


def _decimal_string(pattern: str, what: str, positive: bool = False) -> BeforeValidator:
    """Accept only a JSON string matching ``pattern``; numbers are refused so that no amount
    ever passes through a binary float."""
    compiled = re.compile(pattern)

    def parse(value: object) -> Decimal:
        if isinstance(value, Decimal):
            return value
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise ValueError(f"must be {what}")
        parsed = Decimal(value)
        if positive and parsed <= 0:
            raise ValueError("must be greater than 0.00")
        return parsed

    return BeforeValidator(parse)


Rate = Annotated[
    Decimal,
    _decimal_string(_RATE_PATTERN, 'a decimal string in [0, 1) with at most 4 decimals, e.g. "0.081"'),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _RATE_PATTERN,
            "description": "A fraction in [0, 1) as a decimal string with at most 4 decimals.",
            "examples": ["0.081"],
        }
    ),
]
"""A rate in [0, 1): a decimal string with at most four decimals, e.g. ``"0.081"``."""

Money = Annotated[
    Decimal,
    _decimal_string(_MONEY_PATTERN, 'a positive decimal string with two decimals, e.g. "120.00"', True),
    WithJsonSchema(
        {
            "type": "string",
            # The validator's pattern, and "not zero": a non-zero digit before or after the point.
            "pattern": _POSITIVE_MONEY_PATTERN,
            "maxLength": 13,
            "description": "A positive amount with exactly two decimals.",
            "examples": ["120.00"],
        }
    ),
]
"""A positive amount with exactly two decimals, e.g. ``"120.00"``."""


_SIGNED_MONEY_PATTERN = r"^[+-]?[0-9]{1,10}(\.[0-9]{1,2})?$"


def _signed_money(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str) or not re.fullmatch(_SIGNED_MONEY_PATTERN, value):
        raise ValueError('must be a signed decimal string with at most two decimals, e.g. "-5.18"')
    parsed = Decimal(value)
    if parsed == 0:
        raise ValueError("must not be zero")
    return parsed.quantize(Decimal("0.01"))


SignedMoney = Annotated[
    Decimal,
    BeforeValidator(_signed_money),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _SIGNED_MONEY_PATTERN,
            "description": "A non-zero signed amount with at most two decimals (+ a credit, − a debit).",
            "examples": ["-5.18"],
        }
    ),
]
"""A non-zero signed amount with at most two decimals, e.g. ``"-5.18"``, under 10^10."""


# Times before the Unix epoch or past year 9999 (also once converted to UTC) are typing
# mistakes here, and Python and PostgreSQL cannot both represent all of them.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
_RFC3339 = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def checked_time(value: datetime) -> datetime:
    """``value`` in UTC, if it has a time zone and lies between 1970 and 9999 (in UTC); else
    ValueError."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must have a time zone")
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise ValueError("must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
    return utc


def parse_time(value: object) -> datetime:
    """An RFC 3339 date-time string with a time zone, in range (:func:`checked_time`); returned
    in UTC. Dates, times without a zone, other ISO 8601 forms and numbers are refused."""
    if isinstance(value, datetime):
        return checked_time(value)
    match = _RFC3339.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError('must be an RFC 3339 date-time string with a time zone, e.g. "2027-01-01T00:00:00Z"')
    date, time, fraction, zone = match.groups()
    # Python keeps microseconds: finer digits are dropped.
    fraction = (fraction or "")[:7]
    zone = "+00:00" if zone in ("Z", "z") else zone
    try:
        parsed = datetime.fromisoformat(f"{date}T{time}{fraction}{zone}")
    except ValueError:
        raise ValueError("must be a real date and time of day, with an offset under 24 hours") from None
    return checked_time(parsed)


Timestamp = Annotated[
    datetime,
    BeforeValidator(parse_time),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""A point in time: an RFC 3339 string with a time zone, between 1970 and 9999; in UTC."""


def sent_fields(update: BaseModel, *nullable: str) -> JSON:
    """The fields an update request sent; null is refused (422) for every field not named in
    ``nullable``, since leaving a field out, not nulling it, is how to keep it."""
    # The fields sent, each whole: a nested model (an address) keeps its defaults.
    sent = update.model_dump(include=update.model_fields_set)
    if nulls := [name for name, value in sent.items() if value is None and name not in nullable]:
        raise ValidationFailed(
            f"{', '.join(nulls)} may not be null.",
            errors=[{"loc": ["body", name], "msg": "may not be null"} for name in nulls],
        )
    return sent


def omitted_not_null(*nullable: str, examples: list[JSON]) -> Callable[[JSON], None]:
    """A ``json_schema_extra`` for an update model whose fields may be left out but not sent as
    null (but for those named ``nullable``), so the document says what the service enforces."""

    def document(schema: JSON) -> None:
        schema["examples"] = examples
        for name, prop in schema.get("properties", {}).items():
            variants = [v for v in prop.get("anyOf", ()) if v.get("type") != "null"]
            if name not in nullable and len(variants) == 1:
                del prop["anyOf"]
                prop.pop("default", None)
                prop.update(variants[0])

    return document
