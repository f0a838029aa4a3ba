"""Queries of operator keys and of the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, insert, select, update

from partnerbilling.db import utcnow
from partnerbilling.operators.domain import AuditRecord, OperatorKey
from partnerbilling.operators.models import AuditRecord as AuditRecords
from partnerbilling.operators.models import OperatorKey as OperatorKeys
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.sql import Connection, column_values, execute, fetch_all


async def add_key(conn: Connection, key: OperatorKey) -> None:
    await execute(conn, insert(OperatorKeys).values(**column_values(key)))


async def list_keys(conn: Connection, page: PageParams) -> list[OperatorKey]:
    """Operator keys, revoked ones included, newest first."""
    stmt = keyset(select(OperatorKeys), OperatorKeys.created_at, OperatorKeys.id, page)
    return await fetch_all(conn, stmt, OperatorKey)


async def revoke_key(conn: Connection, key_id: str) -> bool:
    """Revoke a key; true if the key exists (revoking twice keeps the first time)."""
    stmt = (
        update(OperatorKeys)
        .where(OperatorKeys.id == key_id)
        .values(revoked_at=utcnow())
        .where(OperatorKeys.revoked_at.is_(None))
    )
    if await execute(conn, stmt) > 0:
        return True
    return bool(await fetch_all(conn, select(OperatorKeys).where(OperatorKeys.id == key_id), OperatorKey))


async def add_record(conn: Connection, record: AuditRecord) -> None:
    await execute(conn, insert(AuditRecords).values(**column_values(record)))


async def list_records(
    conn: Connection, page: PageParams, operator_id: str | None, since: datetime | None
) -> list[AuditRecord]:
    """Audit records, newest first; of one operator, and from a time on, if asked."""
    conditions: list[ColumnElement[bool]] = []
    if operator_id is not None:
        conditions.append(AuditRecords.operator_id == operator_id)
    if since is not None:
        conditions.append(AuditRecords.at >= since)
    stmt = keyset(select(AuditRecords).where(*conditions), AuditRecords.at, AuditRecords.id, page)
    return await fetch_all(conn, stmt, AuditRecord)
