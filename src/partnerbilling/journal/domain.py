"""The journal's records and the two hashes every one of them carries (SPEC §17), pure: the
byte layouts the README's "Journal and archive" section describes, so that an auditor can
recompute them with nothing but SHA-256.

- ``content_hash``: hex SHA-256 of the object's canonical content: a document's XML as served,
  or the canonical JSON of a row (:func:`canonical_row`).
- ``hash``: hex SHA-256 of the UTF-8 bytes of ``prev_hash``, ``seq`` (decimal), ``at`` (RFC 3339,
  UTC, microseconds, ``Z``), ``kind``, ``object_id`` and ``content_hash``, each followed by a line
  feed (:func:`record_hash`). The first record's ``prev_hash`` is :data:`GENESIS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import orjson

from partnerbilling.visibility.base import rfc3339

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class JournalRecord:
    seq: int
    at: datetime
    kind: str
    object_id: str
    content_hash: str
    prev_hash: str
    hash: str


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def record_hash(prev_hash: str, seq: int, at: datetime, kind: str, object_id: str, content_hash: str) -> str:
    """The record's ``hash``: over the previous record's hash and the record's own fields."""
    at_text = rfc3339(at)
    assert at_text is not None
    layout = f"{prev_hash}\n{seq}\n{at_text}\n{kind}\n{object_id}\n{content_hash}\n"
    return sha256_hex(layout.encode())


def _canonical_value(value: object) -> object:
    """What orjson does not write itself: times and amounts, as strings."""
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, Decimal | date):
        return str(value)
    raise TypeError(type(value))


_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def canonical_row(values: Mapping[str, object]) -> bytes:
    """A row's canonical content: a JSON object of its journaled columns, keys sorted, no
    whitespace, UTF-8; amounts as their decimal strings as stored (``"12.30"``), times in RFC 3339
    UTC with microseconds, JSON columns as the JSON they hold (keys sorted), NULL as ``null``."""
    return orjson.dumps(values, default=_canonical_value, option=_OPTIONS)
