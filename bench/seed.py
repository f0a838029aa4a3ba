"""Seed the benchmark database with plain SQL (INSERT ... SELECT generate_series), not the API.

What is loaded (ids are deterministic, so the load generator knows them without a query):

* tier ``gold`` (hosting 0.20, domain 0.05, default 0.10) and the products of the SPEC's worked
  examples: ``web-hosting-pro`` (CHF 120.00, EUR 125.00) and ``domain-ch`` (CHF 13.45);
* 10,000 organisations ``org_b00001`` … ``org_b10000``: the first 100 are resellers (tier gold, CHF),
  the others customers (one in five bills in EUR at 19 % VAT, the rest in CHF at 8.1 %);
* active partnerships for customers 101–7000 with reseller ``(i % 100) + 1``: those of reseller 1
  all in billing mode *partner* (full access), the others alternating *partner* (even, full) and
  *customer* (odd; one in five of them with limited access); ended partnerships for 7001–7500;
* one API key per organisation, ``key_for(i)``, stored as ``partnerbilling.auth.hash_key`` does;
* a webhook endpoint (all events) for every reseller, so that each order fans out deliveries;
* invoices, each with its order and subscription (and cashback entry where the SPEC gives one),
  numbered gaplessly in the current year in ``created_at`` order, the counter kept equal to the
  count. ``load_small`` writes 1,000 of them, all for payer ``SMALL_PAYER``; ``load_large`` brings
  the table to 1,000,000: about 30 % for reseller 1 (``BIG_PAYER``, partner mode: rebates), 10 %
  customer-mode orders with cashback, 60 % direct orders of customers without a partnership.
  ``SMALL_PAYER`` keeps exactly 1,000 invoices, so its first page can be compared at both sizes.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

N_ORGS = 10_000
N_RESELLERS = 100
PARTNERED = range(101, 7001)  # customers with an active partnership
ENDED = range(7001, 7501)  # customers whose partnership has ended
SMALL_INVOICES = 1_000
TOTAL_INVOICES = 1_000_000
SMALL_PAYER = 9001  # a direct customer: all 1,000 invoices of the small table, and no others
BIG_PAYER = 1  # a reseller in partner mode: pays for its customers' orders

Log = Callable[[str], None]


def org_id(i: int) -> str:
    return f"org_b{i:05d}"


def key_for(i: int) -> str:
    """The API key of organisation ``i`` (its sha256 hex is what the database stores)."""
    return f"pb_bench_{i}_" + hashlib.md5(f"pb-bench-key-{i}".encode()).hexdigest()


def currency_of(i: int) -> str:
    return "EUR" if i > N_RESELLERS and i % 5 == 4 else "CHF"


def partner_of(i: int) -> int | None:
    return (i % 100) + 1 if i in PARTNERED else None


def terms_of(i: int) -> tuple[str, str] | None:
    """``(access, billing_mode)`` of customer ``i``'s active partnership, if any."""
    p = partner_of(i)
    if p is None:
        return None
    if p == BIG_PAYER or i % 2 == 0:
        return "full", "partner"
    return ("limited" if i % 10 == 3 else "full"), "customer"


# Set-based SQL versions of the same rules (``i`` is the organisation number).
_SQL_CURRENCY = f"CASE WHEN i > {N_RESELLERS} AND i % 5 = 4 THEN 'EUR' ELSE 'CHF' END"
_SQL_VAT = f"CASE WHEN i > {N_RESELLERS} AND i % 5 = 4 THEN 0.19 ELSE 0.081 END"

_BASE = f"""
INSERT INTO reseller_tiers (code, name, default_rate, rates, updated_at)
VALUES ('gold', 'Gold', 0.10, '{{"hosting": "0.20", "domain": "0.05"}}', now());

INSERT INTO products (sku, name, category, period_months, prices, updated_at) VALUES
  ('web-hosting-pro', 'Web Hosting Pro', 'hosting', 12, '{{"CHF": "120.00", "EUR": "125.00"}}', now()),
  ('domain-ch', 'Domain .ch', 'domain', 12, '{{"CHF": "13.45"}}', now());

INSERT INTO organizations (id, name, billing_email, currency, vat_rate, reseller_tier,
                           legal_name, address, language, created_at, updated_at)
SELECT 'org_b' || lpad(i::text, 5, '0'),
       CASE WHEN i <= {N_RESELLERS} THEN 'Reseller ' ELSE 'Customer ' END || i,
       'billing+' || i || '@bench.example',
       {_SQL_CURRENCY}, {_SQL_VAT},
       CASE WHEN i <= {N_RESELLERS} THEN 'gold' END,
       CASE WHEN i <= {N_RESELLERS} THEN 'Reseller ' ELSE 'Customer ' END || i || ' AG',
       jsonb_build_object('street', 'Bahnhofstrasse', 'building_number', (i % 200 + 1)::text,
                          'postal_code', '8001', 'city', 'Zürich', 'country', 'CH',
                          'extra_line', NULL),
       'de', now() - interval '400 days', now() - interval '400 days'
FROM generate_series(1, {N_ORGS}) AS i;

-- The issuer every document names as its seller.
INSERT INTO issuer (id, legal_name, address, vat_id, email, payment_terms_days, bank_accounts, updated_at)
VALUES (1, 'Alpenhost AG',
        '{{"street": "Bahnhofstrasse", "building_number": "12", "postal_code": "8001", "city": "Zürich",
          "country": "CH", "extra_line": null}}',
        'CHE-116.281.710 MWST', 'billing@alpenhost.example', 30,
        '{{"CHF": {{"iban": "CH4431999123000889012"}},
          "EUR": {{"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}}}}',
        now());

INSERT INTO api_keys (id, org_id, prefix, key_hash, created_at)
SELECT 'key_b' || lpad(i::text, 5, '0'), 'org_b' || lpad(i::text, 5, '0'), left(k, 10),
       encode(sha256(convert_to(k, 'UTF8')), 'hex'), now() - interval '400 days'
FROM (SELECT i, 'pb_bench_' || i || '_' || md5('pb-bench-key-' || i) AS k
      FROM generate_series(1, {N_ORGS}) AS i) keys;

INSERT INTO partnerships (id, customer_id, partner_id, access, billing_mode, status,
                          created_at, updated_at, accepted_at, ended_at, ended_by_id)
SELECT 'pship_b' || lpad(i::text, 5, '0'), 'org_b' || lpad(i::text, 5, '0'),
       'org_b' || lpad((i % 100 + 1)::text, 5, '0'),
       CASE WHEN i % 100 + 1 <> {BIG_PAYER} AND i % 2 = 1 AND i % 10 = 3 THEN 'limited' ELSE 'full' END,
       CASE WHEN i % 100 + 1 = {BIG_PAYER} OR i % 2 = 0 THEN 'partner' ELSE 'customer' END,
       CASE WHEN i <= {PARTNERED.stop - 1} THEN 'active' ELSE 'ended' END,
       now() - interval '390 days', now() - interval '390 days', now() - interval '390 days',
       CASE WHEN i > {PARTNERED.stop - 1} THEN now() - interval '100 days' END,
       CASE WHEN i > {PARTNERED.stop - 1} THEN 'org_b' || lpad(i::text, 5, '0') END
FROM generate_series({PARTNERED.start}, {ENDED.stop - 1}) AS i;

INSERT INTO webhook_endpoints (id, org_id, url, description, event_types, enabled, secret,
                               created_at, updated_at)
SELECT 'we_b' || lpad(i::text, 5, '0'), 'org_b' || lpad(i::text, 5, '0'),
       'https://hooks.bench.example/' || i, 'bench', ARRAY['*']::varchar[], true,
       'whsec_' || md5('bench-secret-' || i), now() - interval '300 days', now() - interval '300 days'
FROM generate_series(1, {N_RESELLERS}) AS i;
"""

# One row per invoice to create: who orders what for whom, priced as in SPEC §2. ``g`` is the
# invoice number in the year's series; created_at grows with it.
_PLAN = """
CREATE UNLOGGED TABLE bench_plan AS
WITH shape AS (
    SELECT g,
           CASE
             WHEN g <= {small} THEN 'direct'
             WHEN g % 10 IN (0, 1, 2) THEN 'rebate'
             WHEN g % 10 = 3 THEN 'cashback'
             ELSE 'direct'
           END AS kind
    FROM generate_series({lo}, {hi}) AS g
), who AS (
    SELECT g, kind,
           CASE kind
             WHEN 'rebate' THEN 100 * (2 + g % 69)                   -- customers of reseller 1
             WHEN 'cashback' THEN 101 + 2 * ((g / 10) % 3450)        -- odd: customer mode
             ELSE CASE WHEN g <= {small} THEN {small_payer}
                       ELSE 7001 + (g % 2999) + (CASE WHEN 7001 + (g % 2999) >= {small_payer}
                                                      THEN 1 ELSE 0 END)
                  END
           END AS c
    FROM shape
), priced AS (
    SELECT w.g, w.kind, w.c,
           CASE WHEN w.kind = 'rebate' THEN 1 ELSE w.c END AS payer,
           CASE WHEN w.kind = 'direct' THEN NULL ELSE w.c % 100 + 1 END AS partner,
           CASE WHEN w.kind <> 'rebate' AND w.c % 5 = 4 THEN 'EUR' ELSE 'CHF' END AS currency,
           CASE WHEN w.kind <> 'rebate' AND w.c % 5 = 4 THEN 0.19 ELSE 0.081 END AS vat,
           CASE WHEN (w.kind = 'rebate' OR w.c % 5 <> 4) AND w.g % 3 = 0
                THEN 'domain-ch' ELSE 'web-hosting-pro' END AS sku
    FROM who w
)
SELECT x.*, x.public_amount - x.discount AS net,
       round((x.public_amount - x.discount) * x.vat, 2) AS tax
FROM (
    SELECT y.*, CASE WHEN y.kind = 'rebate' THEN y.benefit ELSE 0 END AS discount
    FROM (
        SELECT z.*, round(z.public_amount * z.rate, 2) AS benefit
        FROM (
            SELECT p.g, p.kind, p.sku, pr.name AS pname,
                   CASE WHEN p.sku = 'domain-ch' THEN 3 ELSE 1 END AS quantity,
                   'org_b' || lpad(p.c::text, 5, '0') AS customer_id,
                   'org_b' || lpad(p.payer::text, 5, '0') AS payer_id,
                   CASE WHEN p.partner IS NOT NULL
                        THEN 'org_b' || lpad(p.partner::text, 5, '0') END AS partner_id,
                   CASE WHEN p.partner IS NOT NULL
                        THEN 'pship_b' || lpad(p.c::text, 5, '0') END AS partnership_id,
                   CASE WHEN p.kind = 'rebate' THEN 'partner' ELSE 'direct' END AS channel,
                   CASE WHEN p.kind = 'rebate' THEN 'org_b' || lpad(p.partner::text, 5, '0')
                        ELSE 'org_b' || lpad(p.c::text, 5, '0') END AS placed_by_id,
                   p.currency, p.vat,
                   (pr.prices ->> p.currency)::numeric(14, 2) AS unit_price,
                   (pr.prices ->> p.currency)::numeric(14, 2)
                     * CASE WHEN p.sku = 'domain-ch' THEN 3 ELSE 1 END AS public_amount,
                   CASE WHEN p.partner IS NULL THEN NULL
                        WHEN pr.category = 'domain' THEN 0.05 ELSE 0.20 END AS rate,
                   {t0}::timestamptz + (p.g::bigint * {step}) * interval '1 microsecond' AS created_at,
                   lpad(p.g::text, 7, '0') AS suffix
            FROM priced p JOIN products pr ON pr.sku = p.sku
        ) z
    ) y
) x;
"""

_WRITE = """
INSERT INTO subscriptions (id, customer_id, sku, quantity, origin_channel, origin_partnership_id,
                           status, auto_renew, current_period_start, current_period_end,
                           created_at, cancelled_at)
SELECT 'sub_b' || suffix, customer_id, sku, quantity, channel, partnership_id, 'active', true,
       created_at, created_at + interval '12 months', created_at, NULL
FROM bench_plan ORDER BY g;

INSERT INTO orders (id, kind, channel, customer_id, placed_by_id, partnership_id, partner_id,
                    subscription_id, sku, quantity, currency, payer_id, unit_price, public_amount,
                    discount, net_amount, partner_rate, invoice_id, period_start, period_end,
                    created_at)
SELECT 'ord_b' || suffix, 'new', channel, customer_id, placed_by_id, partnership_id, partner_id,
       'sub_b' || suffix, sku, quantity, currency, payer_id, unit_price, public_amount,
       discount, net, rate, 'inv_b' || suffix, created_at, created_at + interval '12 months',
       created_at
FROM bench_plan ORDER BY g;

INSERT INTO cashback_entries (id, partner_id, order_id, customer_id, currency, rate, amount,
                              status, created_at, updated_at)
SELECT 'cb_b' || suffix, partner_id, 'ord_b' || suffix, customer_id, currency, rate, benefit,
       'pending', created_at, created_at
FROM bench_plan WHERE kind = 'cashback' ORDER BY g;

INSERT INTO invoices (id, number, kind, credits_invoice_id, payer_id, customer_id, order_id,
                      currency, lines, subtotal, tax_rate, tax, total, status, reason,
                      issued_at, paid_at, created_at, seller, buyer, due_at, payment_reference)
SELECT 'inv_b' || suffix, number, 'invoice', NULL, payer_id, customer_id, 'ord_b' || suffix, currency,
       jsonb_build_array(jsonb_build_object(
           'description', pname || ', ' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
                          || ' – '
                          || to_char((created_at + interval '12 months') AT TIME ZONE 'UTC',
                                     'YYYY-MM-DD')
                          || ' (order)',
           'sku', sku, 'quantity', quantity, 'unit_price', unit_price::numeric(14, 2)::text,
           'amount', public_amount::numeric(14, 2)::text,
           'discount', discount::numeric(14, 2)::text, 'net_amount', net::numeric(14, 2)::text,
           'customer_id', customer_id, 'customer_name', c.cname,
           'period_start', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
           'period_end', to_char((created_at + interval '12 months') AT TIME ZONE 'UTC', 'YYYY-MM-DD'))),
       net, vat, tax, net + tax, 'issued', NULL, created_at, NULL, created_at,
       (SELECT to_jsonb(i) - 'id' - 'updated_at' - 'time_zone' - 'payout_accounts' FROM issuer i),
       jsonb_build_object('legal_name', p.p_legal_name, 'address', p.p_address, 'vat_id', p.p_vat_id,
                          'language', p.p_language, 'reverse_charge', p.p_reverse_charge),
       created_at + interval '30 days',
       -- ISO 11649 (billing/references.creditor_reference): RF, check digits, the number's digits.
       'RF' || lpad((98 - mod((digits || '271500')::numeric, 97))::text, 2, '0') || digits
FROM (
    SELECT b.*, {year} || '-' || CASE WHEN g < 1000000 THEN lpad(g::text, 6, '0') ELSE g::text END AS number,
           {year} || CASE WHEN g < 1000000 THEN lpad(g::text, 6, '0') ELSE g::text END AS digits
    FROM bench_plan b
) plan
JOIN (SELECT id AS cid, name AS cname FROM organizations) c ON c.cid = plan.customer_id
JOIN (SELECT id AS pid, coalesce(legal_name, name) AS p_legal_name, address AS p_address,
             vat_id AS p_vat_id, language AS p_language, reverse_charge AS p_reverse_charge
      FROM organizations) p ON p.pid = plan.payer_id
ORDER BY g;

INSERT INTO invoice_counters (year, last_number) VALUES ({year}, {hi})
ON CONFLICT (year) DO UPDATE SET last_number = EXCLUDED.last_number;

DROP TABLE bench_plan;
"""

_SEEDED_TABLES = (
    "organizations",
    "api_keys",
    "partnerships",
    "webhook_endpoints",
    "subscriptions",
    "orders",
    "cashback_entries",
    "invoices",
    "invoice_counters",
    "events",
    "webhook_deliveries",
)


@dataclass(frozen=True)
class Clock:
    """Seeded invoices are spread over the 30 days before the seed (within the current year),
    one every ``step`` microseconds, so numbers and created_at grow together."""

    t0: str  # SQL expression, a timestamptz literal
    step: int
    year: int


async def make_clock(conn: asyncpg.Connection) -> Clock:
    row = await conn.fetchrow(
        """SELECT greatest(date_trunc('year', now()), now() - interval '30 days') AS t0,
                  extract(year FROM now())::int AS year,
                  extract(epoch FROM now() - interval '1 minute'
                          - greatest(date_trunc('year', now()), now() - interval '30 days')) AS span"""
    )
    step = max(1, int(row["span"] * 1_000_000 / TOTAL_INVOICES))
    return Clock(f"'{row['t0'].isoformat()}'", step, row["year"])


async def _timed(conn: asyncpg.Connection, sql: str, what: str, log: Log) -> None:
    started = time.perf_counter()
    await conn.execute(sql)
    log(f"  {what}: {time.perf_counter() - started:.1f} s")


async def _fast_session(conn: asyncpg.Connection) -> None:
    await conn.execute(
        "SET synchronous_commit = off; SET maintenance_work_mem = '256MB'; SET work_mem = '64MB';"
        " SET statement_timeout = 0"
    )


async def load_base(dsn: str, log: Log) -> Clock:
    """Catalogue, organisations, keys, partnerships, webhook endpoints (an empty database)."""
    conn = await asyncpg.connect(dsn)
    try:
        await _fast_session(conn)
        existing = await conn.fetchval("SELECT count(*) FROM organizations")
        if existing:
            raise SystemExit(
                f"the benchmark database already holds {existing} organisations; "
                "the benchmark needs an empty one (see bench/README.md)"
            )
        async with conn.transaction():
            await _timed(conn, _BASE, "organisations, keys, partnerships, endpoints", log)
        return await make_clock(conn)
    finally:
        await conn.close()


async def load_invoices(dsn: str, lo: int, hi: int, clock: Clock, log: Log) -> None:
    """Invoices ``lo``..``hi`` of the year's series with their orders, subscriptions and
    cashback entries; then VACUUM ANALYZE, so that reads are measured on a settled table."""
    conn = await asyncpg.connect(dsn)
    try:
        await _fast_session(conn)
        params: dict[str, object] = {"lo": lo, "hi": hi, "small": SMALL_INVOICES, "small_payer": SMALL_PAYER}
        params.update(t0=clock.t0, step=clock.step, year=clock.year)
        last = await conn.fetchval("SELECT last_number FROM invoice_counters WHERE year = $1", clock.year)
        if (last or 0) != lo - 1:
            raise SystemExit(f"invoice counter at {last}, expected {lo - 1}: the series would not be gapless")
        async with conn.transaction():
            # The rows are consistent by construction (``partnerbilling check`` verifies them), so
            # the bulk load skips the per-row foreign-key triggers.
            await conn.execute("SET LOCAL session_replication_role = replica")
            await _timed(conn, _PLAN.format(**params), f"plan of invoices {lo}..{hi}", log)
            for statement in _WRITE.format(**params).split(";\n\n"):
                table = statement.split("INTO ", 1)[1].split()[0] if "INTO " in statement else "plan"
                await _timed(conn, statement, table, log)
        started = time.perf_counter()
        for table in _SEEDED_TABLES:
            await conn.execute(f"VACUUM (ANALYZE) {table}")
        await conn.execute("CHECKPOINT")
        log(f"  vacuum analyze + checkpoint: {time.perf_counter() - started:.1f} s")
    finally:
        await conn.close()


async def load_small(dsn: str, clock: Clock, log: Log) -> None:
    await load_invoices(dsn, 1, SMALL_INVOICES, clock, log)


async def load_large(dsn: str, clock: Clock, log: Log) -> None:
    await load_invoices(dsn, SMALL_INVOICES + 1, TOTAL_INVOICES, clock, log)


@dataclass(frozen=True)
class OrderCall:
    """One ``POST /v1/orders`` the load generator sends: as whom, for which customer, what."""

    key: str
    customer_id: str
    sku: str
    quantity: int


def order_calls(n: int = 1200, seed: int = 7) -> list[OrderCall]:
    """A shuffled mix of valid orders over many customers (so that no partnership row is hot):
    a third placed by full-access partners (channel partner, both billing modes), a third by
    customers in a partnership (direct, cashback or partner-paid), a third by customers without
    one. The small and the big payer are left out, to keep their invoice counts."""
    rng = random.Random(seed)
    full = [i for i in PARTNERED if terms_of(i)[0] == "full" and partner_of(i) != BIG_PAYER]  # type: ignore[index]
    partnered = [i for i in PARTNERED if partner_of(i) != BIG_PAYER]
    alone = [i for i in range(ENDED.start, N_ORGS + 1) if i != SMALL_PAYER]
    calls: list[OrderCall] = []
    for k in range(n):
        group = k % 3
        if group == 0:
            c = rng.choice(full)
            caller = partner_of(c)
        else:
            c = rng.choice(partnered if group == 1 else alone)
            caller = c
        assert caller is not None
        terms = terms_of(c)
        payer = partner_of(c) if terms == ("full", "partner") else c
        assert payer is not None
        if currency_of(payer) == "CHF" and k % 4 == 0:
            sku, qty = "domain-ch", 3
        else:
            sku, qty = "web-hosting-pro", 1 + k % 3
        calls.append(OrderCall(key_for(caller), org_id(c), sku, qty))
    rng.shuffle(calls)
    return calls
