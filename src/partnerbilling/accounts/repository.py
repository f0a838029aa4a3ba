"""The ledger's statements: an entry and its balance change written together, and the reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, exists, select, text
from sqlalchemy.types import DateTime, Numeric, String

from partnerbilling.accounts.domain import AccountBalance, AccountEntry, AccountSummary
from partnerbilling.accounts.models import AccountBalance as Balances
from partnerbilling.accounts.models import AccountEntry as Entries
from partnerbilling.journal import kinds as journaled
from partnerbilling.journal.repository import append as journal
from partnerbilling.pagination import PageParams, keyset
from partnerbilling.sql import Connection, Statement, column_values, fetch_all

_TEXTS = (
    "id",
    "org_id",
    "currency",
    "kind",
    "invoice_id",
    "cashback_entry_id",
    "payment_id",
    "payout_id",
    "description",
)

# The entry and the balance change in one statement. The balance row is created by the first
# entry and locked by each (until commit), so that concurrent debits of one balance are
# serialised; a debit that would take the balance below ``:floor`` changes nothing and returns
# no row (``:floor`` NULL: no floor, as for a cashback reversal). A second entry of a kind that
# happens once (``accounts.models.ONCE_PER``) is a unique violation: ``DuplicateKey``.
_POST = Statement(
    text(
        """
        WITH b AS (
            INSERT INTO account_balances (org_id, currency, balance, updated_at)
            SELECT :org_id, :currency, :amount, :created_at
            WHERE CAST(:floor AS numeric) IS NULL OR :amount >= CAST(:floor AS numeric)
               OR EXISTS (SELECT 1 FROM account_balances
                          WHERE org_id = :org_id AND currency = :currency)
            ON CONFLICT (org_id, currency) DO UPDATE
                SET balance = account_balances.balance + EXCLUDED.balance,
                    updated_at = EXCLUDED.updated_at
                WHERE CAST(:floor AS numeric) IS NULL
                   OR account_balances.balance + EXCLUDED.balance >= CAST(:floor AS numeric)
            RETURNING balance
        ), e AS (
            INSERT INTO account_entries (id, org_id, currency, amount, kind, invoice_id,
                                         cashback_entry_id, payment_id, payout_id, description,
                                         created_at)
            SELECT :id, :org_id, :currency, :amount, :kind, :invoice_id, :cashback_entry_id,
                   :payment_id, :payout_id, :description, :created_at
            FROM b
            RETURNING id
        )
        SELECT balance FROM b
        """
    ).bindparams(
        bindparam("amount", type_=Numeric(20, 2)),
        bindparam("floor", type_=Numeric(20, 2)),
        *(bindparam(name, type_=String) for name in _TEXTS),
        bindparam("created_at", type_=DateTime(timezone=True)),
    )
)


async def post(conn: Connection, entry: AccountEntry, *, floor: Decimal | None) -> Decimal | None:
    """Add ``entry`` to its account unless that would take the balance below ``floor`` (None:
    no floor); the balance after it, or None if it was refused (nothing written)."""
    balance: Decimal | None = await _POST.value(conn, {**column_values(entry), "floor": floor})
    if balance is not None:
        await journal(conn, journaled.LEDGER_ENTRY, entry.id)
    return balance


# Balance locks in one global order, (org_id, currency) sorted, so that two transactions that
# move money on the same accounts (A pays its invoice and credits B's cashback while B pays its
# own and credits A's) never deadlock. One statement takes them all: each key in turn is
# locked if its row exists (``DO UPDATE … WHERE FALSE`` locks and writes nothing) or created at
# zero if not, so that a new account is taken in the same order as an existing one. An account
# created here and never moved has no entry; the reads below do not show it.
_LOCK_ORDERED = """
    INSERT INTO account_balances (org_id, currency, balance, updated_at)
    SELECT org_id, currency, 0, :at FROM ({keys}) k ORDER BY org_id, currency
    ON CONFLICT (org_id, currency) DO UPDATE SET balance = account_balances.balance WHERE FALSE
"""
_LOCK = Statement(
    text(
        _LOCK_ORDERED.format(
            keys="SELECT DISTINCT * FROM unnest(CAST(:org_ids AS text[]), CAST(:currencies AS text[]))"
            " AS k(org_id, currency)"
        )
    ).bindparams(bindparam("at", type_=DateTime(timezone=True)))
)
# The accounts a payment or a credit of the invoice moves: its payer's and its cashback partner's.
_LOCK_OF_INVOICE = Statement(
    text(
        _LOCK_ORDERED.format(
            keys="""SELECT payer_id AS org_id, currency FROM invoices WHERE id = :invoice_id
                    UNION SELECT c.partner_id, c.currency FROM invoices i
                    JOIN orders o ON o.invoice_id = i.id
                    JOIN cashback_entries c ON c.order_id = o.id WHERE i.id = :invoice_id"""
        )
    ).bindparams(bindparam("invoice_id", type_=String), bindparam("at", type_=DateTime(timezone=True)))
)


async def lock(conn: Connection, accounts: Iterable[tuple[str, str]], at: datetime) -> None:
    """Lock the ``(org_id, currency)`` balances until commit, in the global order."""
    keys = sorted(set(accounts))
    org_ids, currencies = [k[0] for k in keys], [k[1] for k in keys]
    await _LOCK.execute(conn, {"org_ids": org_ids, "currencies": currencies, "at": at})


async def lock_of_invoice(conn: Connection, invoice_id: str, at: datetime) -> None:
    """Lock, in the global order, the balances a payment or credit of the invoice may move."""
    await _LOCK_OF_INVOICE.execute(conn, {"invoice_id": invoice_id, "at": at})


_BALANCE = Statement(
    select(Balances).where(Balances.org_id == bindparam("org_id"), Balances.currency == bindparam("currency"))
)
_BALANCE_LOCKED = Statement(
    select(Balances)
    .where(Balances.org_id == bindparam("org_id"), Balances.currency == bindparam("currency"))
    .with_for_update()
)


async def balance(conn: Connection, org_id: str, currency: str, *, lock: bool = False) -> Decimal:
    """The account's balance (0 before its first entry); ``lock``: the row locked until commit."""
    row = await (_BALANCE_LOCKED if lock else _BALANCE).row(
        conn, {"org_id": org_id, "currency": currency}, AccountBalance
    )
    return row.balance if row is not None else Decimal("0.00")


# An account that has had a movement (one only locked, see ``_LOCK_ORDERED``, has none).
_MOVED = exists().where(Entries.org_id == Balances.org_id, Entries.currency == Balances.currency)


async def balances(conn: Connection, org_id: str) -> list[AccountBalance]:
    """Every account of the organisation that has had a movement, by currency."""
    stmt = select(Balances).where(Balances.org_id == org_id, _MOVED).order_by(Balances.currency)
    return await fetch_all(conn, stmt, AccountBalance)


# Per currency: the balance (0.00 while only cashback is pending) and the pending cashback.
_SUMMARY = Statement(
    text(
        """
        SELECT currency, coalesce(max(balance), 0) AS balance,
               coalesce(sum(pending), 0) AS pending_cashback
        FROM (
            SELECT currency, balance, NULL::numeric AS pending
            FROM account_balances b WHERE org_id = :org_id
              AND EXISTS (SELECT 1 FROM account_entries e
                          WHERE e.org_id = b.org_id AND e.currency = b.currency)
            UNION ALL
            SELECT currency, NULL, amount FROM cashback_entries
            WHERE partner_id = :org_id AND status = 'pending'
        ) parts
        GROUP BY currency ORDER BY currency
        """
    ).bindparams(bindparam("org_id", type_=String))
)


async def summary(conn: Connection, org_id: str) -> list[AccountSummary]:
    """Every currency the organisation has an account or pending cashback in."""
    return await _SUMMARY.rows(conn, {"org_id": org_id}, AccountSummary)


async def list_entries(
    conn: Connection, org_id: str, currency: str | None, page: PageParams
) -> list[AccountEntry]:
    """The organisation's entries, newest first, optionally of one currency."""
    stmt = select(Entries).where(Entries.org_id == org_id)
    if currency is not None:
        stmt = stmt.where(Entries.currency == currency)
    return await fetch_all(conn, keyset(stmt, Entries.created_at, Entries.id, page), AccountEntry)
