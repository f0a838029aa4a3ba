"""Payout batches (SPEC §13): every requested payout of a currency goes to the bank in one
``pain.001`` file, debited from the issuer's payout account in that currency. The file is
written once, when the batch is made, and kept: every download is the same bytes."""

from __future__ import annotations

import secrets
from dataclasses import replace
from decimal import Decimal

from partnerbilling.db import new_id, utcnow
from partnerbilling.errors import Conflict, NotFound
from partnerbilling.events import repository as events
from partnerbilling.events.domain import NewEvent
from partnerbilling.events.schemas import EventType
from partnerbilling.issuer import repository as issuers
from partnerbilling.payouts import batch_repository, repository
from partnerbilling.payouts.domain import BatchSummary, Payout, PayoutBatch
from partnerbilling.payouts.pain001 import payout_file
from partnerbilling.sql import Connection
from partnerbilling.states import PayoutStatus
from partnerbilling.visibility import payout_batch_view, payout_view


class NothingToPay(Conflict):
    code, title = "nothing_to_pay", "No payout in that currency is waiting to be sent"


class IssuerPayoutAccountMissing(Conflict):
    code, title = "issuer_payout_account_missing", "The issuer has no payout account in that currency"


NO_PAYOUT_ACCOUNT = (
    "Give the issuer a payout account in this currency (PUT /v1/admin/issuer, payout_accounts) first."
)


async def create_batch(conn: Connection, currency: str) -> BatchSummary:
    """Take every requested payout in ``currency`` (oldest first) into a new batch, its file
    written from the issuer's payout account, and mark them ``in_transit``. 409
    ``issuer_payout_account_missing`` without that account, ``nothing_to_pay`` without payouts."""
    issuer = await issuers.get(conn)
    if issuer is None or currency not in issuer.payout_accounts:
        raise IssuerPayoutAccountMissing(NO_PAYOUT_ACCOUNT)
    payouts = await repository.take_requested(conn, currency)
    if not payouts:
        raise NothingToPay(f"No {currency} payout is requested.")
    now = utcnow()
    # At most 35 characters (MsgId, PmtInfId), unique: the time and 64 random bits.
    message_id = f"PB{now:%Y%m%d%H%M%S}{secrets.token_hex(8).upper()}"
    account = issuer.payout_accounts[currency]
    batch = PayoutBatch(
        id=new_id("pob"),
        currency=currency,
        count=len(payouts),
        total=sum((p.amount for p in payouts), Decimal("0.00")),
        message_id=message_id,
        execution_date=now.astimezone(issuer.zone).date(),
        debtor_iban=account["iban"],
        debtor_bic=account.get("bic"),
        document=payout_file(issuer, currency, payouts, message_id, now),
        created_at=now,
    )
    await batch_repository.add(conn, batch)
    await repository.send_in_batch(conn, [p.id for p in payouts], batch.id, now)
    summary = BatchSummary(
        batch.id, currency, batch.count, batch.total, message_id, batch.execution_date,
        batch.debtor_iban, batch.debtor_bic, now, in_transit=batch.count, completed=0, failed=0,
    )  # fmt: skip
    sent = [replace(p, status=PayoutStatus.IN_TRANSIT, batch_id=batch.id, updated_at=now) for p in payouts]
    await _tell(conn, summary, sent)
    return summary


async def _tell(conn: Connection, batch: BatchSummary, sent: list[Payout]) -> None:
    """Each organisation hears of its own payouts, the platform's log of the batch: in one
    statement."""
    told = [NewEvent(p.org_id, EventType.PAYOUT_IN_TRANSIT, payout_view(p.org_id, p) or {}) for p in sent]
    told.append(NewEvent(None, EventType.PAYOUT_BATCH_CREATED, payout_batch_view(batch)))
    await events.record(conn, told, batch.created_at)


async def get_batch(conn: Connection, batch_id: str) -> BatchSummary:
    """A batch, or 404."""
    batch = await batch_repository.get(conn, batch_id)
    if batch is None:
        raise NotFound("No such payout batch.")
    return batch


async def batch_document(conn: Connection, batch_id: str) -> bytes:
    """A batch's ``pain.001`` file as it was written, or 404."""
    document = await batch_repository.document(conn, batch_id)
    if document is None:
        raise NotFound("No such payout batch.")
    return document
