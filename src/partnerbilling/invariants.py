"""``partnerbilling check``: verify the whole database against the promises of the contract.

Each check is one SQL query returning the offending rows (at most a sample of them); an empty
result means the invariant holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.sql import Statement, fetch_all

SAMPLE = 20

CHECKS: dict[str, str] = {
    # A monthly invoice (SPEC §15) bills many orders, a line each (its ``order_id``); its own
    # ``order_id`` is its first line's. An unbilled order waits for the monthly close.
    "every billed order is on exactly one invoice line, addressed to its payer": """
        SELECT o.id FROM orders o
        LEFT JOIN invoices i ON i.id = o.invoice_id
        WHERE (o.billing_status = 'unbilled') <> (o.invoice_id IS NULL)
           OR (o.billing_status = 'billed' AND (
                 i.id IS NULL OR i.kind <> 'invoice' OR i.payer_id <> o.payer_id
                 OR i.currency <> o.currency
                 OR (SELECT count(*) FROM jsonb_array_elements(i.lines) l
                     WHERE coalesce(l->>'order_id', i.order_id) = o.id) <> 1
                 OR (SELECT count(*) FROM invoices j
                     WHERE j.order_id = o.id AND j.kind = 'invoice') > 1))
    """,
    "every invoice has its orders": """
        SELECT i.id FROM invoices i LEFT JOIN orders o ON o.id = i.order_id
        WHERE o.id IS NULL OR (i.kind = 'invoice' AND o.invoice_id IS DISTINCT FROM i.id)
        UNION ALL
        SELECT i.id FROM invoices i CROSS JOIN jsonb_array_elements(i.lines) l
        WHERE i.kind = 'invoice' AND l ? 'order_id' AND NOT EXISTS (
            SELECT 1 FROM orders o WHERE o.id = l->>'order_id' AND o.invoice_id = i.id)
    """,
    "invoice totals are the sum of their lines": """
        SELECT i.id FROM invoices i
        WHERE i.subtotal <> (SELECT coalesce(sum((l->>'net_amount')::numeric), 0)
                             FROM jsonb_array_elements(i.lines) l)
           OR i.total <> i.subtotal + i.tax
    """,
    "tax = half-up(net × rate), rounded once": """
        SELECT i.id FROM invoices i
        WHERE abs(i.tax) <> round(abs(i.subtotal) * i.tax_rate, 2)
           OR sign(i.tax) * sign(i.subtotal) < 0
    """,
    "order amounts: net = P − discount, P = unit price × quantity": """
        SELECT id FROM orders
        WHERE public_amount <> unit_price * quantity OR net_amount <> public_amount - discount
    """,
    "invoice numbers are gapless and increasing per year": """
        WITH numbered AS (
            SELECT split_part(number, '-', 1)::int AS year,
                   split_part(number, '-', 2)::int AS n, created_at, id
            FROM invoices
        ), per_year AS (
            SELECT year, count(*) AS c, count(DISTINCT n) AS d, min(n) AS lo, max(n) AS hi
            FROM numbered GROUP BY year
        )
        SELECT 'year ' || p.year FROM per_year p
        LEFT JOIN invoice_counters k ON k.year = p.year
        WHERE p.c <> p.d OR p.lo <> 1 OR p.hi <> p.c OR k.last_number IS DISTINCT FROM p.hi
        UNION ALL
        SELECT id FROM (
            SELECT id, created_at,
                   lag(created_at) OVER (PARTITION BY year ORDER BY n) AS previous_created_at
            FROM numbered
        ) ordered
        WHERE previous_created_at > created_at
    """,
    "no cashback on an order the partner initiated and paid; its rebate is round(P × d)": """
        SELECT o.id FROM orders o LEFT JOIN cashback_entries c ON c.order_id = o.id
        WHERE o.channel = 'partner' AND o.payer_id = o.partner_id
          AND (c.id IS NOT NULL OR o.discount <> round(o.public_amount * o.partner_rate, 2))
    """,
    "every other order in a partnership earns cashback round(P × d), with no discount": """
        SELECT o.id FROM orders o LEFT JOIN cashback_entries c ON c.order_id = o.id
        WHERE o.partnership_id IS NOT NULL
          AND NOT (o.channel = 'partner' AND o.payer_id = o.partner_id)
          AND (c.id IS NULL OR o.discount <> 0 OR c.partner_id <> o.partner_id
               OR c.amount <> round(o.public_amount * c.rate, 2) OR c.currency <> o.currency)
    """,
    "no discount and no cashback without an active partnership": """
        SELECT o.id FROM orders o LEFT JOIN cashback_entries c ON c.order_id = o.id
        WHERE o.partnership_id IS NULL
          AND (o.discount <> 0 OR c.id IS NOT NULL OR o.payer_id <> o.customer_id)
    """,
    "cashback status follows its invoice (pending/unpaid, available/paid, reversed/credited)": """
        SELECT c.id FROM cashback_entries c JOIN orders o ON o.id = c.order_id
        JOIN invoices i ON i.id = o.invoice_id
        WHERE (c.status, i.status) NOT IN (('pending', 'issued'), ('pending', 'overdue'),
                                           ('available', 'paid'),
                                           ('reversed', 'credited'))
    """,
    "every event recipient may see its payload": """
        SELECT e.id FROM events e
        WHERE (e.type LIKE 'invoice.%' AND e.org_id IS DISTINCT FROM e.data->>'payer_id')
           OR (e.type LIKE 'cashback.%' AND e.org_id IS DISTINCT FROM e.data->>'partner_id')
           OR (e.type LIKE 'payment.%' AND e.org_id IS DISTINCT FROM e.data->>'payer_id')
           OR (e.type = 'order.created' AND (
                 (e.org_id <> e.data->>'payer_id' AND (e.data->>'invoice_id' IS NOT NULL
                    OR e.data->>'net_amount' IS NOT NULL OR e.data->>'discount' IS NOT NULL))
              OR (e.org_id = e.data->>'customer_id' AND e.data->'cashback' <> 'null'::jsonb)
              OR (e.org_id <> e.data->>'customer_id' AND NOT EXISTS (
                    SELECT 1 FROM orders o WHERE o.id = e.data->>'id' AND o.partner_id = e.org_id
                      AND o.partnership_id IS NOT NULL))))
           OR (e.type LIKE 'partnership.%' AND e.org_id NOT IN (e.data->>'customer_id',
                                                                e.data->>'partner_id'))
           OR (e.type LIKE 'payout.%' AND e.org_id IS DISTINCT FROM (
                 SELECT p.org_id FROM payouts p WHERE p.id = e.data->>'id'))
    """,
    "every payout has its entry, and a failed or cancelled one its return": """
        SELECT p.id FROM payouts p
        WHERE NOT EXISTS (SELECT 1 FROM account_entries e
                          WHERE e.payout_id = p.id AND e.kind = 'payout' AND e.org_id = p.org_id
                            AND e.currency = p.currency AND e.amount = -p.amount)
           OR (p.status IN ('failed', 'cancelled')) <> EXISTS (
                 SELECT 1 FROM account_entries e
                 WHERE e.payout_id = p.id AND e.kind = 'payout_returned' AND e.org_id = p.org_id
                   AND e.currency = p.currency AND e.amount = p.amount)
    """,
    "every payout in transit is in exactly one batch, of its currency": """
        SELECT p.id FROM payouts p LEFT JOIN payout_batches b ON b.id = p.batch_id
        WHERE (p.status = 'in_transit' AND b.id IS NULL) OR b.currency <> p.currency
           OR (p.status IN ('requested', 'cancelled') AND p.batch_id IS NOT NULL)
    """,
    "a payout batch's count and total are its payouts'": """
        SELECT b.id FROM payout_batches b
        LEFT JOIN (SELECT batch_id, count(*) AS n, sum(amount) AS total FROM payouts
                   WHERE batch_id IS NOT NULL GROUP BY batch_id) p ON p.batch_id = b.id
        WHERE p.n IS DISTINCT FROM b.count OR p.total IS DISTINCT FROM b.total
    """,
    "each account's balance is the sum of its entries": """
        SELECT b.org_id || ' ' || b.currency FROM account_balances b
        WHERE b.balance <> (SELECT coalesce(sum(e.amount), 0) FROM account_entries e
                            WHERE e.org_id = b.org_id AND e.currency = b.currency)
        UNION ALL
        SELECT DISTINCT e.org_id || ' ' || e.currency FROM account_entries e
        WHERE NOT EXISTS (SELECT 1 FROM account_balances b
                          WHERE b.org_id = e.org_id AND b.currency = e.currency)
    """,
    # Invoices paid before payments were recorded are paid in full without a payment row.
    "an invoice's payments applied add up to its amount_paid, at most its total": """
        SELECT i.id FROM invoices i
        LEFT JOIN (SELECT invoice_id, sum(applied) AS applied FROM payments GROUP BY invoice_id) p
               ON p.invoice_id = i.id
        WHERE (i.kind = 'invoice' AND i.amount_paid > i.total)
           OR (i.status = 'paid' AND i.amount_paid <> i.total)
           OR (i.amount_paid <> coalesce(p.applied, 0)
               AND NOT (p.invoice_id IS NULL AND i.paid_at IS NOT NULL AND i.amount_paid = i.total))
    """,
    "what a payment did not apply is one overpayment entry; one from the balance debited it": """
        SELECT p.id FROM payments p JOIN invoices i ON i.id = p.invoice_id
        WHERE p.payer_id <> i.payer_id OR p.currency <> i.currency
           OR p.amount - p.applied <> (SELECT coalesce(sum(e.amount), 0) FROM account_entries e
                                       WHERE e.payment_id = p.id AND e.kind = 'overpayment'
                                         AND e.org_id = p.payer_id)
           OR (p.method = 'balance') <> EXISTS (
                  SELECT 1 FROM account_entries e WHERE e.payment_id = p.id
                    AND e.kind = 'invoice_payment' AND e.amount = -p.amount AND e.org_id = p.payer_id)
    """,
    "each available cashback is credited once, a reversed one that was debited once": """
        SELECT c.id FROM cashback_entries c,
        LATERAL (SELECT count(*) FILTER (WHERE kind = 'cashback') AS credited,
                        count(*) FILTER (WHERE kind = 'cashback_reversal') AS debited,
                        coalesce(sum(amount), 0) AS net,
                        coalesce(bool_and(org_id = c.partner_id), TRUE) AS own
                 FROM account_entries e WHERE e.cashback_entry_id = c.id) a
        WHERE NOT a.own
           OR (c.status = 'pending' AND a.credited + a.debited > 0)
           OR (c.status = 'available' AND c.amount > 0
               AND (a.credited <> 1 OR a.debited <> 0 OR a.net <> c.amount))
           OR (c.status = 'reversed' AND (a.credited <> a.debited OR a.net <> 0))
    """,
    # The lines' supply periods: dates inside the invoice's JSON, rendered on its documents.
    "every invoice line's period renders: a date between 1970 and 2100": r"""
        SELECT DISTINCT i.id FROM invoices i, jsonb_array_elements(i.lines) l,
                        (VALUES ('period_start'), ('period_end')) f(k)
        WHERE l ? f.k AND NOT (l->>f.k ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
                               AND l->>f.k BETWEEN '1970-01-01' AND '2100-12-31')
    """,
    # Bank files (SPEC §13).
    "every receipt is applied at most once, and once applied matched by exactly one payment or entry": """
        SELECT r.id FROM receipts r
        LEFT JOIN payments p ON p.id = r.payment_id
        LEFT JOIN account_entries e ON e.id = r.entry_id
        WHERE (r.status = 'applied' AND ((p.id IS NULL) = (e.id IS NULL)
               OR (p.id IS NOT NULL AND (p.amount <> r.amount OR p.currency <> r.currency
                   OR p.invoice_id IS DISTINCT FROM r.invoice_id OR p.external_id <> r.credit_id))
               OR (e.id IS NOT NULL AND (e.kind <> 'receipt' OR e.amount <> r.amount
                   OR e.currency <> r.currency OR e.org_id IS DISTINCT FROM r.org_id))))
           OR (r.status <> 'applied' AND (r.payment_id IS NOT NULL OR r.entry_id IS NOT NULL))
        UNION ALL
        SELECT e.id FROM account_entries e
        WHERE e.kind = 'receipt' AND (SELECT count(*) FROM receipts r WHERE r.entry_id = e.id) <> 1
    """,
    "every bank credit is recorded once, as the payment, top-up or receipt it became": """
        SELECT b.credit_id FROM bank_credits b
        WHERE b.outcome IS NULL
           OR (b.outcome = 'payment' AND NOT EXISTS (
                SELECT 1 FROM payments p WHERE p.id = b.payment_id AND p.invoice_id = b.invoice_id))
           OR (b.outcome = 'receipt' AND NOT EXISTS (
                SELECT 1 FROM receipts r WHERE r.id = b.receipt_id AND r.credit_id = b.credit_id))
           OR (b.outcome = 'top_up' AND NOT EXISTS (
                SELECT 1 FROM account_entries e WHERE e.id = b.entry_id AND e.kind = 'top_up'))
        UNION ALL
        SELECT e.id FROM account_entries e
        WHERE e.kind = 'top_up' AND (SELECT count(*) FROM bank_credits b WHERE b.entry_id = e.id) <> 1
    """,
}


# Every stored time the service renders must be one it can render: finite, and within
# 1970-2100 (PostgreSQL also stores ±infinity and years up to 294276, which no RFC 3339 answer
# and no date arithmetic can take). Every time or date column of every table is read, the
# tables added later too: the columns come from the catalogue when the check runs.
STORED_TIMES = "every stored time renders: finite, between 1970 and 2100"
INVARIANTS = (*CHECKS, STORED_TIMES)
_TIME_COLUMNS = Statement(
    text(
        """
        SELECT c.table_name, c.column_name, c.data_type = 'date' AS is_date,
               (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY a.attnum)
                FROM pg_index x JOIN pg_attribute a
                  ON a.attrelid = x.indrelid AND a.attnum = ANY (x.indkey)
                WHERE x.indrelid = format('%I', c.table_name)::regclass AND x.indisprimary) AS key
        FROM information_schema.columns c
        WHERE c.table_schema = current_schema() AND c.data_type IN
              ('date', 'timestamp with time zone', 'timestamp without time zone')
        ORDER BY c.table_name, c.ordinal_position
        """
    )
)


@dataclass(frozen=True, slots=True)
class _TimeColumn:
    table_name: str
    column_name: str
    is_date: bool
    key: str | None


def _out_of_range(c: _TimeColumn) -> str:
    """The rows of one column whose time is infinite or outside 1970-2100: "table.column key"."""
    low, high = ("DATE '1970-01-01'", "DATE '2101-01-01'") if c.is_date else (
        "make_timestamptz(1970, 1, 1, 0, 0, 0, 'UTC')", "make_timestamptz(2101, 1, 1, 0, 0, 0, 'UTC')"
    )  # fmt: skip
    table, column = _quoted(c.table_name), _quoted(c.column_name)
    key = f"concat_ws(' ', {c.key})" if c.key else "ctid::text"
    return (
        f"SELECT '{c.table_name}.{c.column_name} ' || {key} FROM {table}"
        f" WHERE NOT ({column} >= {low} AND {column} < {high})"
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class Breach:
    invariant: str
    sample: list[str]


@dataclass(frozen=True, slots=True)
class _Offender:
    """One row a check found: the id (or description) of what breaks the invariant."""

    offender: str


_NO_TIMEOUT = Statement(text("SET LOCAL statement_timeout = 0"))


async def check_database(engine: AsyncEngine) -> list[Breach]:
    """Run every check in one repeatable-read snapshot; return the breaches found."""
    breaches: list[Breach] = []
    async with transaction(engine, snapshot=True) as conn:
        # A whole-database scan is slow by nature; the request timeout does not apply to it.
        await _NO_TIMEOUT.execute(conn, {})
        columns = await _TIME_COLUMNS.rows(conn, {}, _TimeColumn)
        times = " UNION ALL ".join(_out_of_range(c) for c in columns) or "SELECT NULL WHERE FALSE"
        queries = {**CHECKS, STORED_TIMES: times}
        for name, query in queries.items():
            sample = text(f"SELECT offender::text AS offender FROM ({query}) q(offender) LIMIT {SAMPLE}")
            rows = await fetch_all(conn, sample, _Offender)
            if rows:
                breaches.append(Breach(name, [row.offender for row in rows]))
    return breaches
