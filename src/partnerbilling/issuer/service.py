"""The issuer (platform operations): read it, replace it, and tell the platform's log."""

from __future__ import annotations

from partnerbilling.db import utcnow
from partnerbilling.errors import NotFound
from partnerbilling.events import repository as events
from partnerbilling.events.domain import NewEvent
from partnerbilling.events.schemas import EventType
from partnerbilling.issuer import repository
from partnerbilling.issuer.domain import ISSUER_ID, Issuer
from partnerbilling.issuer.schemas import IssuerPut
from partnerbilling.sql import Connection
from partnerbilling.visibility import issuer_view


class IssuerNotConfigured(NotFound):
    code, title = "issuer_not_configured", "No issuer is configured"


async def get_issuer(conn: Connection) -> Issuer:
    """The issuer, or 404 ``issuer_not_configured``."""
    issuer = await repository.get(conn)
    if issuer is None:
        raise IssuerNotConfigured("No issuer yet; configure it with PUT /v1/admin/issuer.")
    return issuer


async def put_issuer(conn: Connection, data: IssuerPut) -> Issuer:
    """Replace the issuer; a change is recorded as ``issuer.updated`` in the platform's log."""
    now = utcnow()
    fields = data.model_dump(exclude={"bank_accounts", "payout_accounts"})
    payout_accounts = data.payout_accounts.model_dump(exclude_none=True) if data.payout_accounts else {}
    issuer = Issuer(
        id=ISSUER_ID,
        **fields,
        bank_accounts=data.bank_accounts.model_dump(exclude_none=True),
        payout_accounts=payout_accounts,
        updated_at=now,
    )
    before = await repository.get(conn, for_update=True)
    if before is not None and _same(before, issuer):
        return before
    issuer = await repository.put(conn, issuer)
    await events.record_platform(conn, NewEvent(None, EventType.ISSUER_UPDATED, issuer_view(issuer)), now)
    return issuer


def _same(before: Issuer, after: Issuer) -> bool:
    """Whether nothing but the time would change."""
    return issuer_view(before) | {"updated_at": None} == issuer_view(after) | {"updated_at": None}
