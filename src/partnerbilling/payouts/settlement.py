"""The bank's answers to payout files, imported with its notifications
(``POST /v1/admin/payments/import``, SPEC §13): a debit of a payout completes it, a rejection
fails it (its amount returned). Reading an answer twice changes nothing: a payout moves once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partnerbilling.db import utcnow
from partnerbilling.jsonio import JSON
from partnerbilling.payouts import repository, service
from partnerbilling.payouts.bank_answers import might_be_status_report, read_debits, read_status_report
from partnerbilling.sql import Connection
from partnerbilling.states import PayoutStatus


@dataclass(frozen=True, slots=True)
class PayoutAnswers:
    """What an imported file did to payouts."""

    message: str
    completed: Sequence[str] = ()
    failed: Sequence[str] = ()
    message_id: str = ""  # a status report's own MsgId

    def as_json(self) -> JSON:
        """The import answer's part about payouts."""
        return {"payouts_completed": list(self.completed), "payouts_failed": list(self.failed)}


async def fail_rejected(conn: Connection, data: bytes, max_bytes: int) -> PayoutAnswers | None:
    """Fail the payouts a ``pain.002`` status report rejects (by id, or their whole batch by its
    message id) that are still requested or in transit; None when ``data`` is no status report."""
    rejected = read_status_report(data, max_bytes=max_bytes) if might_be_status_report(data) else None
    if rejected is None:
        return None
    payouts = await repository.lock_answered(conn, rejected.payout_ids, rejected.message_ids)
    failed = await service.settle_payouts(conn, payouts, PayoutStatus.FAILED, utcnow())
    return PayoutAnswers(rejected.message, failed=sorted(p.id for p in failed), message_id=rejected.report_id)


async def complete_debited(conn: Connection, data: bytes, message: str, max_bytes: int) -> PayoutAnswers:
    """Complete the payouts in transit that the booked debits of a camt.054/053 file paid (by
    their ``EndToEndId``)."""
    paid = read_debits(data, max_bytes=max_bytes)
    if not paid:
        return PayoutAnswers(message)
    payouts = await repository.lock_answered(conn, paid, ())
    completed = await service.settle_payouts(conn, payouts, PayoutStatus.COMPLETED, utcnow())
    return PayoutAnswers(message, completed=sorted(p.id for p in completed))
