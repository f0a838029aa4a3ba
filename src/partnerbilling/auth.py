"""Bearer keys: the platform token, an operator key (the admin API only), or an organisation's
API key; keys are stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import text

from partnerbilling.errors import Forbidden, Unauthenticated
from partnerbilling.operators.domain import PLATFORM_OPERATOR, Operator, Role
from partnerbilling.sql import Connection, Statement

KEY_PREFIX = "pb_"
# An operator key's own prefix: an organisation endpoint refuses one (401) without a query.
OPERATOR_KEY_PREFIX = "pbop_"
PLATFORM = "platform"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: an organisation (``org_id``), or the platform (the platform token or an
    operator key, ``operator``). ``key_hash`` names the key for its request budget (None for the
    platform token, which has none)."""

    org_id: str | None
    operator: Operator | None = None
    key_hash: str | None = None

    @property
    def is_platform(self) -> bool:
        return self.org_id is None

    @property
    def scope(self) -> str:
        """The namespace of the caller's idempotency keys."""
        if self.operator is not None and self.operator is not PLATFORM_OPERATOR:
            return self.operator.id
        return self.org_id or PLATFORM


def generate_api_key(prefix: str = KEY_PREFIX) -> tuple[str, str, str]:
    """A new random key: ``(key, prefix, sha256 hex)``; only the hash and prefix are stored."""
    key = prefix + secrets.token_urlsafe(32)
    return key, key[: len(prefix) + 7], hash_key(key)


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
_OPERATOR = Statement(
    text("SELECT id, name, role FROM operator_keys WHERE key_hash = :h AND revoked_at IS NULL")
)
PLATFORM_CALLER = Caller(org_id=None, operator=PLATFORM_OPERATOR)


async def authenticate(
    conn: Connection, token: str | None, admin_token: str | None, *, admin: bool = False
) -> Caller:
    """Resolve a bearer token to its caller, or raise 401. An operator key is a caller on the
    admin API only (``admin``); elsewhere it is no key at all."""
    if not token:
        raise Unauthenticated("Send an API key as 'Authorization: Bearer <key>'.")
    if admin_token and hmac.compare_digest(token.encode(), admin_token.encode()):
        return PLATFORM_CALLER
    if admin and token.startswith(OPERATOR_KEY_PREFIX) and len(token) <= 100:
        return await _operator(conn, hash_key(token))
    if not token.startswith(KEY_PREFIX) or len(token) > 100:
        raise Unauthenticated("The API key is not valid.")
    digest = hash_key(token)
    org_id: str | None = await _KEY_OWNER.value(conn, {"h": digest})
    if org_id is None:
        raise Unauthenticated("The API key is not valid.")
    return Caller(org_id=org_id, key_hash=digest)


async def _operator(conn: Connection, digest: str) -> Caller:
    operator = await _OPERATOR.row(conn, {"h": digest}, lambda id, name, role: Operator(id, name, Role(role)))
    if operator is None:
        raise Unauthenticated("The API key is not valid.")
    return Caller(org_id=None, operator=operator, key_hash=digest)


def require_platform(caller: Caller) -> None:
    """Only the platform (its token or an operator key) may use ``/v1/admin``."""
    if not caller.is_platform:
        raise Forbidden("Only the platform token or an operator key may call the admin API.")


def require_org(caller: Caller) -> str:
    """The caller's organisation id; the platform token is not an organisation."""
    if caller.org_id is None:
        raise Forbidden("This endpoint acts as an organisation; use an organisation API key.")
    return caller.org_id
