"""Queries of the bank credits recorded once by their identity, and of the organisations'
top-up numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import BigInteger, DateTime, String

from partnerbilling.payments.domain import BankCredit
from partnerbilling.payments.models import BankCredit as BankCredits
from partnerbilling.sql import Connection, Statement, fetch_all

# The credits of a file not recorded before, claimed in one statement (in identity order, so two
# imports of overlapping files wait for each other instead of deadlocking): a credit another
# import claimed first waits for that import's commit, and is then not returned.
_CLAIM = Statement(
    text(
        """
        INSERT INTO bank_credits (credit_id, message_id, created_at)
        SELECT id, :message_id, :at FROM unnest(CAST(:ids AS varchar[])) AS u(id) ORDER BY id
        ON CONFLICT (credit_id) DO NOTHING
        RETURNING credit_id
        """
    ).bindparams(
        bindparam("ids", type_=ARRAY(String)),
        bindparam("message_id", type_=String),
        bindparam("at", type_=DateTime(timezone=True)),
    )
)

# What each claimed credit became, in one statement.
_SETTLE = Statement(
    text(
        """
        UPDATE bank_credits b
        SET outcome = u.outcome, invoice_id = u.invoice_id, payment_id = u.payment_id,
            receipt_id = u.receipt_id, entry_id = u.entry_id
        FROM unnest(CAST(:ids AS varchar[]), CAST(:outcomes AS varchar[]),
                    CAST(:invoices AS varchar[]), CAST(:payments AS varchar[]),
                    CAST(:receipts AS varchar[]), CAST(:entries AS varchar[]))
             AS u(credit_id, outcome, invoice_id, payment_id, receipt_id, entry_id)
        WHERE b.credit_id = u.credit_id
        """
    ).bindparams(
        *(
            bindparam(n, type_=ARRAY(String))
            for n in ("ids", "outcomes", "invoices", "payments", "receipts", "entries")
        )
    )
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a claimed credit became."""

    credit_id: str
    outcome: str  # payment | top_up | receipt
    invoice_id: str | None = None
    payment_id: str | None = None
    receipt_id: str | None = None
    entry_id: str | None = None


@dataclass(frozen=True, slots=True)
class _Claimed:
    credit_id: str


async def claim(conn: Connection, ids: Sequence[str], message_id: str, at: datetime) -> set[str]:
    """Record these credits as this file's; the ones not recorded before (the rest were)."""
    if not ids:
        return set()
    rows = await _CLAIM.rows(conn, {"ids": sorted(ids), "message_id": message_id, "at": at}, _Claimed)
    return {row.credit_id for row in rows}


async def settle(conn: Connection, outcomes: Sequence[Outcome]) -> None:
    """Write what each claimed credit became."""
    if outcomes:
        columns = ("credit_id", "outcome", "invoice_id", "payment_id", "receipt_id", "entry_id")
        names = ("ids", "outcomes", "invoices", "payments", "receipts", "entries")
        values = {n: [getattr(o, c) for o in outcomes] for n, c in zip(names, columns, strict=True)}
        await _SETTLE.execute(conn, values)


async def recorded(conn: Connection, ids: Sequence[str]) -> dict[str, BankCredit]:
    """The credits recorded before with these identities, by identity."""
    if not ids:
        return {}
    stmt = select(BankCredits).where(BankCredits.credit_id.in_(ids))
    return {c.credit_id: c for c in await fetch_all(conn, stmt, BankCredit)}


# The organisation's top-up number, given on first use: one statement, also when two requests
# ask at once (the second waits for the first's row, then reads it).
_TOP_UP_NUMBER = Statement(
    text(
        """
        WITH given AS (
            INSERT INTO top_up_references (org_id, created_at) VALUES (:org_id, :at)
            ON CONFLICT (org_id) DO NOTHING RETURNING number
        )
        SELECT number FROM given
        UNION ALL
        SELECT number FROM top_up_references WHERE org_id = :org_id
        LIMIT 1
        """
    ).bindparams(bindparam("org_id", type_=String), bindparam("at", type_=DateTime(timezone=True)))
)

_OWNERS = Statement(
    text(
        "SELECT number, org_id FROM top_up_references WHERE number = ANY(CAST(:numbers AS bigint[]))"
    ).bindparams(bindparam("numbers", type_=ARRAY(BigInteger)))
)


@dataclass(frozen=True, slots=True)
class _Owner:
    number: int
    org_id: str


async def top_up_number(conn: Connection, org_id: str, at: datetime) -> int:
    """The organisation's top-up number (given now if it had none)."""
    number: int | None = await _TOP_UP_NUMBER.value(conn, {"org_id": org_id, "at": at})
    if number is None:  # given by a concurrent request after this statement's snapshot
        number = await _TOP_UP_NUMBER.value(conn, {"org_id": org_id, "at": at})
    assert number is not None
    return number


async def top_up_owners(conn: Connection, numbers: Sequence[int]) -> dict[int, str]:
    """The organisations of these top-up numbers that exist, by number."""
    if not numbers:
        return {}
    return {o.number: o.org_id for o in await _OWNERS.rows(conn, {"numbers": list(numbers)}, _Owner)}
