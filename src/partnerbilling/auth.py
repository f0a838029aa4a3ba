"""Bearer keys: the platform token, or an organisation's API key (stored only as a hash)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import text

from partnerbilling.errors import Forbidden, Unauthenticated
from partnerbilling.sql import Connection, Statement

KEY_PREFIX = "pb_"
PLATFORM = "platform"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: an organisation (``org_id``) or the platform."""

    org_id: str | None

    @property
    def is_platform(self) -> bool:
        return self.org_id is None

    @property
    def scope(self) -> str:
        """The namespace of the caller's idempotency keys."""
        return self.org_id or PLATFORM


def generate_api_key() -> tuple[str, str, str]:
    """A new random key: ``(key, prefix, sha256 hex)``; only the hash and prefix are stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[:10], hash_key(key)


def hash_key(key: str) -> str:
    """The stored form of a key. Keys carry 256 random bits, so a plain SHA-256 suffices."""
    return hashlib.sha256(key.encode()).hexdigest()


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer`` header's value, if any."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# Every request runs it: precompiled (partnerbilling.sql).
_KEY_OWNER = Statement(text("SELECT org_id FROM api_keys WHERE key_hash = :h AND revoked_at IS NULL"))


async def authenticate(conn: Connection, token: str | None, admin_token: str | None) -> Caller:
    """Resolve a bearer token to its caller, or raise 401."""
    if not token:
        raise Unauthenticated("Send an API key as 'Authorization: Bearer <key>'.")
    if admin_token and hmac.compare_digest(token.encode(), admin_token.encode()):
        return Caller(org_id=None)
    if not token.startswith(KEY_PREFIX) or len(token) > 100:
        raise Unauthenticated("The API key is not valid.")
    org_id: str | None = await _KEY_OWNER.value(conn, {"h": hash_key(token)})
    if org_id is None:
        raise Unauthenticated("The API key is not valid.")
    return Caller(org_id=org_id)


def require_platform(caller: Caller) -> None:
    """Only the platform token may use ``/v1/admin``."""
    if not caller.is_platform:
        raise Forbidden("Only the platform token may call the admin API.")


def require_org(caller: Caller) -> str:
    """The caller's organisation id; the platform token is not an organisation."""
    if caller.org_id is None:
        raise Forbidden("This endpoint acts as an organisation; use an organisation API key.")
    return caller.org_id
