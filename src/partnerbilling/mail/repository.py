"""Queries of the mail outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, insert, text, update
from sqlalchemy.types import DateTime

from partnerbilling.db import new_id
from partnerbilling.mail.domain import ClaimedMail, MailOutcome
from partnerbilling.mail.messages import fit_subject
from partnerbilling.mail.models import OutboxMail
from partnerbilling.sql import Connection, Statement

# A partnership's changes and a disabled endpoint queue a message: precompiled (partnerbilling.sql).
_QUEUE = Statement(
    insert(OutboxMail).values(
        id=bindparam("id"),
        to_address=bindparam("to_address"),
        subject=bindparam("subject"),
        body=bindparam("body"),
        attach_invoice_id=bindparam("attach_invoice_id"),
        status="pending",
        attempt_count=0,
        next_attempt_at=bindparam("at", type_=DateTime(timezone=True)),
        created_at=bindparam("at", type_=DateTime(timezone=True)),
    )
)


async def queue(
    conn: Connection,
    to: str,
    subject: str,
    body: str,
    at: datetime,
    *,
    attach_invoice_id: str | None = None,
) -> str:
    """Put a message in the outbox, in the caller's transaction; the worker sends it (with the PDF
    of ``attach_invoice_id``, drawn then). The subject is made one header line that fits the
    outbox, so no message can fail its cause's transaction."""
    mail_id = new_id("mail")
    values = {
        "id": mail_id, "to_address": to, "subject": fit_subject(subject), "body": body, "at": at,
        "attach_invoice_id": attach_invoice_id,
    }  # fmt: skip
    await _QUEUE.execute(conn, values)
    return mail_id


_CLAIM = Statement(
    text(
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
                  m.next_attempt_at AS lease_until, m.created_at, m.attach_invoice_id
        """
    ).bindparams(
        bindparam("now", type_=DateTime(timezone=True)),
        bindparam("lease_until", type_=DateTime(timezone=True)),
    )
)


async def claim_due(conn: Connection, now: datetime, limit: int, lease_until: datetime) -> list[ClaimedMail]:
    """Take up to ``limit`` due messages that no other worker holds, leased until ``lease_until``."""
    return await _CLAIM.rows(conn, {"now": now, "limit": limit, "lease_until": lease_until}, ClaimedMail)


# A retry keeps the message pending and moves it to its next attempt; a message sent or failed
# for good keeps the lease as its last ``next_attempt_at``.
_FINISH = Statement(
    update(OutboxMail)
    .where(
        OutboxMail.id == bindparam("mail_id"),
        OutboxMail.status == "pending",
        OutboxMail.next_attempt_at == bindparam("lease_until", type_=DateTime(timezone=True)),
    )
    .values(
        status=bindparam("status"),
        attempt_count=bindparam("attempt_count"),
        last_error=bindparam("last_error"),
        sent_at=bindparam("sent_at", type_=DateTime(timezone=True)),
        next_attempt_at=func.coalesce(
            bindparam("next_attempt_at", type_=DateTime(timezone=True)), OutboxMail.next_attempt_at
        ),
    )
)


async def finish(conn: Connection, mail_id: str, lease_until: datetime, outcome: MailOutcome) -> bool:
    """Record a sending attempt, unless the lease was lost; true if recorded."""
    values = {
        "mail_id": mail_id,
        "lease_until": lease_until,
        "status": outcome.status,
        "attempt_count": outcome.attempt_count,
        "last_error": outcome.last_error,
        "sent_at": outcome.sent_at,
        "next_attempt_at": outcome.next_attempt_at,
    }
    return await _FINISH.execute(conn, values) > 0
