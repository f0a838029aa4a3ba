"""Queries of the dunning run: claiming unpaid invoices past due, and recording a step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, any_, bindparam, func, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY

from partnerbilling.dunning.domain import DueInvoice
from partnerbilling.invoices.domain import Invoice
from partnerbilling.invoices.models import Invoice as Invoices
from partnerbilling.sql import Connection, Statement, fetch_value
from partnerbilling.states import InvoiceStatus

# What a run may dun. Literal, so that the planner matches the partial index
# ix_invoices_dunning_due in generic (prepared) plans too.
_DUNNABLE = text(
    "invoices.kind = 'invoice' AND invoices.status IN ('issued', 'overdue') AND invoices.dunning_level < 4"
)
_AT = Invoices.due_at.type  # timestamptz


def _claim(after: bool) -> Statement:
    """Lease up to ``batch_limit`` dunnable invoices due at or before ``due_before``, in
    (due date, id) order after the keyset if ``after``, leaving those another run holds."""
    due = select(Invoices.id).where(
        _DUNNABLE,
        Invoices.due_at <= bindparam("due_before", type_=_AT),
        or_(
            Invoices.dunning_claimed_until.is_(None),
            Invoices.dunning_claimed_until < bindparam("claim_now", type_=_AT),
        ),
    )
    if after:
        keyset = tuple_(bindparam("after_due", type_=_AT), bindparam("after_id", type_=String))
        due = due.where(tuple_(Invoices.due_at, Invoices.id) > keyset)
    claimed = (
        due.order_by(Invoices.due_at, Invoices.id)
        .limit(bindparam("batch_limit", type_=Integer))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return Statement(
        update(Invoices)
        .where(Invoices.id == any_(func.array(claimed)))
        .values(dunning_claimed_until=bindparam("until", type_=_AT))
        .returning(Invoices.id, Invoices.due_at, Invoices.dunning_level, Invoices.dunning_step_at)
    )


# Every batch of a run runs one: precompiled (partnerbilling.sql).
_CLAIM_FIRST, _CLAIM_AFTER = _claim(after=False), _claim(after=True)

_STEP = Statement(
    update(Invoices)
    .where(
        Invoices.id == bindparam("target_id"),
        Invoices.dunning_level == bindparam("from_level", type_=Integer),
        _DUNNABLE,
    )
    .values(
        status=InvoiceStatus.OVERDUE,
        dunning_level=bindparam("to_level", type_=Integer),
        dunning_step_at=bindparam("step_at", type_=_AT),
        dunning_claimed_until=None,
    )
    .returning(Invoices)
)
_RELEASE_MANY = Statement(
    update(Invoices)
    .where(Invoices.id == any_(bindparam("ids", type_=ARRAY(String))))
    .values(dunning_claimed_until=None)
)


async def claim_due(
    conn: Connection,
    due_before: datetime,
    after: tuple[datetime, str] | None,
    limit: int,
    now: datetime,
    until: datetime,
) -> list[DueInvoice]:
    """Lease up to ``limit`` unpaid invoices due at or before ``due_before`` (after the keyset
    ``after``), leaving those that another run holds (locked now, or leased until later)."""
    params: dict[str, object] = {
        "due_before": due_before,
        "claim_now": now,
        "batch_limit": limit,
        "until": until,
    }
    if after is None:
        return await _CLAIM_FIRST.rows(conn, params, DueInvoice)
    params.update(after_due=after[0], after_id=after[1])
    return await _CLAIM_AFTER.rows(conn, params, DueInvoice)


async def step(
    conn: Connection, invoice_id: str, from_level: int, to_level: int, at: datetime
) -> Invoice | None:
    """Record the step ``from_level`` → ``to_level`` taken by a run at ``at`` (status overdue,
    the claim let go) if the invoice is still unpaid at ``from_level``; the stored row, or None."""
    values = {"target_id": invoice_id, "from_level": from_level, "to_level": to_level, "step_at": at}
    return await _STEP.row(conn, values, Invoice)


async def release_many(conn: Connection, invoice_ids: list[str]) -> None:
    """Give these invoices back to any run."""
    if invoice_ids:
        await _RELEASE_MANY.execute(conn, {"ids": invoice_ids})


async def count_due(conn: Connection, due_before: datetime) -> int:
    """How many unpaid invoices a run would look at: due at or before ``due_before``."""
    stmt = select(func.count()).select_from(Invoices).where(_DUNNABLE, Invoices.due_at <= due_before)
    return int(await fetch_value(conn, stmt) or 0)
