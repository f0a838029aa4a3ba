"""Queries of the mail outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from partnerbilling.db import new_id
from partnerbilling.mail.models import OutboxMail


async def queue(conn: AsyncConnection, to: str, subject: str, body: str, at: datetime) -> str:
    """Put a message in the outbox, in the caller's transaction; the worker sends it."""
    mail_id = new_id("mail")
    await conn.execute(
        insert(OutboxMail).values(
            id=mail_id,
            to_address=to,
            subject=subject,
            body=body,
            status="pending",
            attempt_count=0,
            next_attempt_at=at,
            created_at=at,
        )
    )
    return mail_id
