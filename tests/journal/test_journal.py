"""The journal (SPEC §17): a record per journaled object in its transaction, a gapless chain,
the listing, and ``verify`` finding an amount changed, a row deleted or inserted by hand in any
journaled table."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.journal.domain import GENESIS, record_hash, sha256_hex
from partnerbilling.settings import Settings
from tests.asserts import assert_problem
from tests.journal.support import make_history, sql, verified
from tests.support import Api, rows

# Per journaled table: the record kind of its rows, and the columns a forged copy must change to
# pass the table's unique constraints.
TABLES = {
    "invoices": ("document", "number = 'FORGED', payment_reference = NULL, credits_invoice_id = NULL"),
    "account_entries": ("ledger_entry", "kind = 'adjustment', cashback_entry_id = NULL, payment_id = NULL"),
    "payments": ("payment", "external_id = NULL"),
    "payouts": ("payout", "status = 'requested', batch_id = NULL"),
}


async def _records(api: Api) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        page = await api.ok(None, "GET", f"/v1/admin/journal?after={after}&limit=4")
        found += page["data"]
        if page["next_cursor"] is None:
            return found
        after = int(page["next_cursor"])


async def test_every_journaled_object_has_a_record_in_a_gapless_chain(api: Api, db: AsyncEngine) -> None:
    history = await make_history(api, db)
    records = await _records(api)
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    kinds = {(r["kind"], r["object_id"]) for r in records}
    for table, (kind, _) in TABLES.items():
        ids = {row.id for row in await rows(db, f"SELECT id FROM {table}")}
        assert ids and ids == {object_id for k, object_id in kinds if k == kind}, table
    assert ("payout.completed", history.payout_id) in kinds
    previous = GENESIS
    for record in records:
        assert record["prev_hash"] == previous
        at = datetime.fromisoformat(record["at"])
        fields = (record["seq"], at, record["kind"], record["object_id"], record["content_hash"])
        assert record_hash(previous, *fields) == record["hash"]
        previous = record["hash"]
    # A document's content hash is the SHA-256 of its XML exactly as served, also after payment.
    xml = await api.call(history.world.acme, "GET", f"/v1/invoices/{history.invoice['id']}/xml")
    [doc] = [r for r in records if r["object_id"] == history.invoice["id"]]
    assert doc["content_hash"] == sha256_hex(xml.content)
    result = await verified(db)
    assert result.mismatch is None and result.records == len(records)


async def test_the_journal_is_the_platforms_only_and_its_page_is_checked(api: Api) -> None:
    org = await api.org("Acme")
    assert_problem(await api.call(org, "GET", "/v1/admin/journal"), 403, "forbidden")
    for query in ("after=-1", "limit=0", "limit=101", "after=x"):
        assert_problem(await api.admin("GET", f"/v1/admin/journal?{query}"), 422, "validation_error")
    empty = await api.ok(None, "GET", "/v1/admin/journal")
    assert empty == {"data": [], "next_cursor": None}


@pytest.mark.parametrize("table", list(TABLES))
async def test_verify_finds_an_amount_changed_then_a_row_deleted_then_a_row_inserted(
    api: Api, db: AsyncEngine, table: str
) -> None:
    await make_history(api, db)
    kind, unique_columns = TABLES[table]
    [target] = await rows(db, f"SELECT id FROM {table} ORDER BY created_at LIMIT 1")
    [record] = await rows(
        db, "SELECT seq FROM journal WHERE kind = :k AND object_id = :o", k=kind, o=target.id
    )
    assert (await verified(db)).mismatch is None

    amount = "total = total + 1, subtotal = subtotal + 1" if table == "invoices" else "amount = amount + 1"
    await sql(db, f"UPDATE {table} SET {amount} WHERE id = :id", id=target.id)
    found = (await verified(db)).mismatch
    assert found is not None and (found.seq, found.kind, found.object_id) == (record.seq, kind, target.id)
    undo = amount.replace("+ 1", "- 1")
    await sql(db, f"UPDATE {table} SET {undo} WHERE id = :id", id=target.id)
    assert (await verified(db)).mismatch is None

    await sql(db, f"CREATE TABLE kept AS SELECT * FROM {table} WHERE id = :id", id=target.id)
    await sql(db, f"DELETE FROM {table} WHERE id = :id", id=target.id)
    found = (await verified(db)).mismatch
    assert found is not None and (found.seq, found.kind, found.object_id) == (record.seq, kind, target.id)
    await sql(db, f"INSERT INTO {table} SELECT * FROM kept")
    assert (await verified(db)).mismatch is None

    await sql(db, f"UPDATE kept SET id = 'forged', {unique_columns}")
    await sql(db, f"INSERT INTO {table} SELECT * FROM kept")
    found = (await verified(db)).mismatch
    assert found is not None and (found.seq, found.kind, found.object_id) == (None, kind, "forged")
    await sql(db, "DROP TABLE kept")


async def test_verify_finds_a_record_changed_or_removed(api: Api, db: AsyncEngine) -> None:
    await make_history(api, db)
    await sql(db, "UPDATE journal SET at = at + interval '1 second' WHERE seq = 3")
    found = (await verified(db)).mismatch
    assert found is not None and (found.seq, found.reason) == (3, "its hash is not the hash of its fields")
    await sql(db, "UPDATE journal SET at = at - interval '1 second' WHERE seq = 3")
    await sql(db, "DELETE FROM journal WHERE seq = 2")
    found = (await verified(db)).mismatch
    assert found is not None and found.seq == 3 and "missing" in found.reason
    [last] = await rows(db, "SELECT max(seq) AS seq FROM journal")
    await sql(db, "DELETE FROM journal WHERE seq >= 2")
    found = (await verified(db)).mismatch
    assert found is not None and found.seq == 2 and f"head is at seq {last.seq}" in found.reason


async def _verify_command(settings: Settings) -> tuple[int, str]:
    env = {**os.environ, "PARTNERBILLING_DATABASE_URL": str(settings.database_url)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "partnerbilling.cli", "verify", env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_the_verify_command_exits_0_then_names_the_first_mismatch(
    api: Api, db: AsyncEngine, settings: Settings
) -> None:
    history = await make_history(api, db)
    code, out = await _verify_command(settings)
    assert code == 0 and "the journal verifies" in out
    await sql(db, "UPDATE payments SET amount = amount + 1 WHERE id = :id", id=history.payment_id)
    code, out = await _verify_command(settings)
    [record] = await rows(db, "SELECT seq FROM journal WHERE object_id = :id", id=history.payment_id)
    assert code == 1 and f"seq={record.seq} kind=payment object_id={history.payment_id}" in out
