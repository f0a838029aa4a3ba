"""The retention's statements: one batch of what is old enough each (SPEC §17). Documents, the
ledger, payments, payouts and the journal are never among them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, bindparam, text
from sqlalchemy.types import DateTime, String

from partnerbilling.events.schemas import EventType
from partnerbilling.sql import Connection, Statement

_AT = DateTime(timezone=True)

# Finished deliveries (delivered, or given up), with their attempts (ON DELETE CASCADE).
_DELIVERIES = Statement(
    text(
        """
        DELETE FROM webhook_deliveries WHERE id IN (
            SELECT id FROM webhook_deliveries
            WHERE created_at < :cutoff AND status <> 'pending'
            LIMIT :limit
        )
        """
    ).bindparams(bindparam("cutoff", type_=_AT), bindparam("limit", type_=Integer))
)

# Sent (or given up) mails keep their envelope (to, subject, status, times), not their body.
_MAIL_BODIES = Statement(
    text(
        """
        UPDATE outbox_mails SET body = '' WHERE id IN (
            SELECT id FROM outbox_mails
            WHERE created_at < :cutoff AND status <> 'pending' AND body <> ''
            LIMIT :limit
        )
        """
    ).bindparams(bindparam("cutoff", type_=_AT), bindparam("limit", type_=Integer))
)

# Events keep their id, type, recipient and time; the payload goes. The journal's seals stay:
# they are the heads an auditor compares the chain with.
_EVENT_PAYLOADS = Statement(
    text(
        """
        UPDATE events SET data = '{}'::jsonb WHERE id IN (
            SELECT id FROM events
            WHERE created_at < :cutoff AND type <> :kept AND data <> '{}'::jsonb
            LIMIT :limit
        )
        """
    ).bindparams(
        bindparam("cutoff", type_=_AT), bindparam("limit", type_=Integer), bindparam("kept", type_=String)
    )
)


async def purge_deliveries(conn: Connection, cutoff: datetime, limit: int) -> int:
    return await _DELIVERIES.execute(conn, {"cutoff": cutoff, "limit": limit})


async def purge_mail_bodies(conn: Connection, cutoff: datetime, limit: int) -> int:
    return await _MAIL_BODIES.execute(conn, {"cutoff": cutoff, "limit": limit})


async def purge_event_payloads(conn: Connection, cutoff: datetime, limit: int) -> int:
    values = {"cutoff": cutoff, "limit": limit, "kept": EventType.JOURNAL_SEALED}
    return await _EVENT_PAYLOADS.execute(conn, values)
