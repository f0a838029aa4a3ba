"""Queries of the mail outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, text, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import DateTime

from partnerbilling.db import new_id
from partnerbilling.mail.messages import fit_subject
from partnerbilling.mail.models import OutboxMail


async def queue(conn: AsyncConnection, to: str, subject: str, body: str, at: datetime) -> str:
    """Put a message in the outbox, in the caller's transaction; the worker sends it. The subject
    is made one header line that fits the outbox, so no message can fail its cause's transaction."""
    mail_id = new_id("mail")
    await conn.execute(
        insert(OutboxMail).values(
            id=mail_id,
            to_address=to,
            subject=fit_subject(subject),
            body=body,
            status="pending",
            attempt_count=0,
            next_attempt_at=at,
            created_at=at,
        )
    )
    return mail_id


_CLAIM = text(
    """
    WITH due AS (
        SELECT id FROM outbox_mails
        WHERE status = 'pending' AND next_attempt_at <= :now
        ORDER BY next_attempt_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    )
    UPDATE outbox_mails m SET next_attempt_at = :lease_until
    FROM due WHERE m.id = due.id
    RETURNING m.id, m.to_address, m.subject, m.body, m.attempt_count,
              m.next_attempt_at AS lease_until, m.created_at
    """
).bindparams(
    bindparam("now", type_=DateTime(timezone=True)),
    bindparam("lease_until", type_=DateTime(timezone=True)),
)


async def claim_due(
    conn: AsyncConnection, now: datetime, limit: int, lease_until: datetime
) -> Sequence[Row[Any]]:
    """Take up to ``limit`` due messages that no other worker holds, leased until ``lease_until``."""
    result = await conn.execute(_CLAIM, {"now": now, "limit": limit, "lease_until": lease_until})
    return result.all()


async def finish(
    conn: AsyncConnection,
    mail_id: str,
    lease_until: datetime,
    values: dict[str, Any],
) -> bool:
    """Record a sending attempt, unless the lease was lost; true if recorded."""
    result = await conn.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.status == "pending",
            OutboxMail.next_attempt_at == lease_until,
        )
        .values(**values)
        .returning(OutboxMail.id)
    )
    return result.first() is not None
