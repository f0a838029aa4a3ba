"""A stored response as the repository returns it: frozen, typed, one field per column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The response first given under an idempotency key, and the fingerprint of its request."""

    request_hash: str
    response_status: int
    response_body: bytes
    response_headers: dict[str, str]
