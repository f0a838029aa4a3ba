"""Operators and their audit trail as the repository returns them: frozen, typed, one field per
column (the names are the columns', so a row is made into one by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from partnerbilling.enums import LiteralEnum


class Role(LiteralEnum):
    """What an operator key may change (SPEC §18); every role reads everything."""

    ADMIN = "admin"
    FINANCE = "finance"
    SUPPORT = "support"
    READONLY = "readonly"


@dataclass(frozen=True, slots=True)
class Operator:
    """Who acts on the admin API: an operator key (its id and name) with its role."""

    id: str
    name: str
    role: Role


PLATFORM_OPERATOR = Operator("platform", "platform", Role.ADMIN)
"""The platform token: every right, recorded in the audit trail as ``platform``."""


@dataclass(frozen=True, slots=True)
class OperatorKey:
    """An operator key as stored: never the key itself, only its SHA-256 and a visible prefix."""

    id: str
    name: str
    role: str
    prefix: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One admin write, answered or refused."""

    id: str
    at: datetime
    operator_id: str
    operator_name: str
    role: str
    method: str
    route: str
    object_id: str | None
    request_id: str
    status: int

    @property
    def created_at(self) -> datetime:
        """The keyset pagination's time (:mod:`partnerbilling.pagination`)."""
        return self.at
