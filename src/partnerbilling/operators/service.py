"""Operator keys and the audit trail (platform operations)."""

from __future__ import annotations

from datetime import datetime

from partnerbilling.auth import OPERATOR_KEY_PREFIX, generate_api_key
from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import NotFound
from partnerbilling.jsonio import JSON
from partnerbilling.operators import repository
from partnerbilling.operators.domain import AuditRecord, Operator, OperatorKey, Role
from partnerbilling.pagination import PageParams, page_of
from partnerbilling.sql import Connection
from partnerbilling.visibility import audit_record_view, operator_key_view


async def create_operator_key(conn: Connection, name: str, role: Role) -> JSON:
    """A new operator key; the key itself is returned only here."""
    secret, prefix, digest = generate_api_key(OPERATOR_KEY_PREFIX)
    key = OperatorKey(new_id("opk"), name, role.value, prefix, digest, utcnow())
    await repository.add_key(conn, key)
    return operator_key_view(key, secret)


async def list_operator_keys(conn: Connection, page: PageParams) -> JSON:
    """Every operator key, revoked ones included, newest first; never the keys themselves."""
    return page_of(await repository.list_keys(conn, page), page, operator_key_view)


async def revoke_operator_key(conn: Connection, key_id: str) -> None:
    """Revoke an operator key at once (its requests answer 401 from now on)."""
    if not await repository.revoke_key(conn, key_id):
        raise NotFound("No such operator key.")


async def record_write(
    conn: Connection,
    operator: Operator,
    *,
    method: str,
    route: str,
    object_id: str | None,
    request_id: str,
    status: int,
) -> None:
    """Append an admin write, answered or refused, to the audit trail."""
    record = AuditRecord(
        new_id("aud"),
        utcnow(),
        operator.id,
        operator.name,
        operator.role.value,
        method,
        route[:200],
        object_id[:200] if object_id else None,
        request_id[:64],
        status,
    )
    await repository.add_record(conn, record)


async def list_audit(
    conn: Connection, page: PageParams, operator_id: str | None, since: datetime | None
) -> JSON:
    """The audit trail, newest first."""
    records = await repository.list_records(conn, page, operator_id, since)
    return page_of(records, page, audit_record_view)
