"""Operations whose response shows a secret once (an API key, a webhook signing secret).

Such an operation declares its secret fields with ``@replayed_without(...)``. Under an
Idempotency-Key its response is stored with those fields ``null``, so the idempotency store never
holds a secret, and a replay answers the same status and body without it: a retry never creates
a second key and never shows the secret again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from partnerbilling.jsonio import dumps, loads

_MARKER = "__replayed_without__"

Endpoint = TypeVar("Endpoint", bound=Callable[..., object])


def replayed_without(*fields: str) -> Callable[[Endpoint], Endpoint]:
    """Declare the top-level response fields of an operation that hold a secret."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _MARKER, frozenset(fields))
        return endpoint

    return mark


def secret_fields(route: object) -> frozenset[str]:
    """The secret fields a route's endpoint declares; none for an unmarked one."""
    fields: frozenset[str] = getattr(getattr(route, "endpoint", None), _MARKER, frozenset())
    return fields


def without_secrets(body: bytes, fields: frozenset[str]) -> bytes:
    """The JSON object ``body`` with each of ``fields`` set to ``null``."""
    document = loads(body)
    if not isinstance(document, dict):
        # Fail closed: an answer that cannot be redacted must not be stored (the request then
        # rolls back and answers 500, which is a bug in the operation, not in its input).
        raise TypeError("a response with secret fields must be a JSON object")
    return dumps({name: None if name in fields else value for name, value in document.items()})
