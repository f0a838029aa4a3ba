"""The archive of a period's documents (SPEC §17), a ZIP written as it is sent:

- ``documents/<number>.pdf`` and ``documents/<number>.xml``: each document as issued (a document
  issued without an issuer has neither: ``documents/<number>.json``, the content its record hashed);
- ``journal.jsonl``: the journal record of each document, one JSON object a line;
- ``index.csv``: one row per document, naming its files and its record;
- ``SHA256SUMS``: ``sha256sum`` lines over every other file, last.

The documents are read in batches, each in a short read-only transaction, and each ZIP entry is
sent once written; the journal lines, the index and the sums grow in spooled temporary files
(on disk past a megabyte), so memory stays flat in the number of documents.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import tempfile
import zipfile
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import IO, Any

import orjson
from sqlalchemy import Integer, bindparam, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import transaction
from partnerbilling.documents.pdf import render_pdf
from partnerbilling.errors import IssuerNotConfigured
from partnerbilling.invoices.documents import as_issued, renderable
from partnerbilling.invoices.domain import Invoice
from partnerbilling.invoices.models import Invoice as Invoices
from partnerbilling.journal import content
from partnerbilling.journal.domain import JournalRecord, sha256_hex
from partnerbilling.journal.kinds import DOCUMENT
from partnerbilling.journal.models import JournalRecord as Records
from partnerbilling.sql import Connection, Statement
from partnerbilling.visibility.base import rfc3339

BATCH_SIZE = 100
SUMS, JOURNAL, INDEX = "SHA256SUMS", "journal.jsonl", "index.csv"
INDEX_COLUMNS = (
    "id",
    "number",
    "kind",
    "payer_id",
    "currency",
    "total",
    "issued_at",
    "file",
    "pdf",
    "journal_seq",
)
_SPOOL = 1024 * 1024

_BATCH = Statement(
    select(Invoices)
    .where(
        Invoices.issued_at >= bindparam("start"),
        Invoices.issued_at < bindparam("end"),
        tuple_(Invoices.issued_at, Invoices.id) > tuple_(bindparam("after_at"), bindparam("after_id")),
    )
    .order_by(Invoices.issued_at, Invoices.id)
    .limit(bindparam("limit", type_=Integer))
)
_RECORDS = Statement(
    select(*(c for c in Records.__table__.columns if c.name != "snapshot")).where(
        Records.kind == DOCUMENT.kind, Records.object_id == content._IDS.any_()
    )
)


class _Sink(io.RawIOBase):
    """Where the ZIP is written: what was written since the last :meth:`drain`."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        out, self._chunks = b"".join(self._chunks), []
        return out


async def archive_chunks(engine: AsyncEngine, start: datetime, end: datetime) -> AsyncIterator[bytes]:
    """The ZIP of the documents issued in [start, end), chunk by chunk."""
    sink = _Sink()
    with contextlib.ExitStack() as files:
        sums, journal, index = (
            files.enter_context(tempfile.SpooledTemporaryFile(_SPOOL, "w+b")) for _ in range(3)
        )
        async for chunk in _write(sink, start, end, engine, (sums, journal, index)):
            yield chunk


async def _write(
    sink: _Sink,
    start: datetime,
    end: datetime,
    engine: AsyncEngine,
    files: tuple[IO[bytes], IO[bytes], IO[bytes]],
) -> AsyncIterator[bytes]:
    sums, journal, index = files
    rows = io.TextIOWrapper(index, encoding="utf-8", newline="", write_through=True)
    index_writer = csv.writer(rows)
    index_writer.writerow(INDEX_COLUMNS)
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        after: tuple[datetime, str] = (start, "")
        while True:
            async with transaction(engine, snapshot=True) as conn:
                batch, records, credited = await _read_batch(conn, start, end, after)
            for invoice in batch:
                document = _document_files(invoice, credited.get(invoice.credits_invoice_id or ""))
                for file_name, data in document:
                    _add(archive, sums, file_name, data)
                record = records.get(invoice.id)
                if record is not None:
                    journal.write(orjson.dumps(_record_json(record)) + b"\n")
                index_writer.writerow(_index_row(invoice, document, record))
                yield sink.drain()
            if len(batch) < BATCH_SIZE:
                break
            after = (batch[-1].issued_at, batch[-1].id)
        for name, spooled in ((JOURNAL, journal), (INDEX, index), (SUMS, sums)):
            for chunk in _copy(archive, sink, sums, name, spooled):
                yield chunk
    yield sink.drain()


def _copy(
    archive: zipfile.ZipFile, sink: _Sink, sums: IO[bytes], name: str, spooled: IO[bytes]
) -> Iterator[bytes]:
    """A spooled file into the archive, a megabyte at a time, its sum added (but for the sums)."""
    digest = hashlib.sha256()
    spooled.seek(0)
    with archive.open(name, "w", force_zip64=True) as entry:
        while chunk := spooled.read(_SPOOL):
            digest.update(chunk)
            entry.write(chunk)
            yield sink.drain()
    if name != SUMS:
        sums.write(f"{digest.hexdigest()}  {name}\n".encode())


async def _read_batch(
    conn: Connection, start: datetime, end: datetime, after: tuple[datetime, str]
) -> tuple[list[Invoice], dict[str, JournalRecord], dict[str, Invoice]]:
    values = {"start": start, "end": end, "after_at": after[0], "after_id": after[1], "limit": BATCH_SIZE}
    batch = await _BATCH.rows(conn, values, Invoice)
    ids = [invoice.id for invoice in batch]
    records = {r.object_id: r for r in await _RECORDS.rows(conn, {"ids": ids}, JournalRecord)}
    credited_ids = sorted({inv.credits_invoice_id for inv in batch if inv.credits_invoice_id})
    credited = await content.invoices(conn, credited_ids) if credited_ids else {}
    return batch, records, credited


def _document_files(invoice: Invoice, credited: Invoice | None) -> list[tuple[str, bytes]]:
    """The document's files: its XML (the journaled content) and PDF as issued, or the JSON
    content of one issued without an issuer."""
    stem = f"documents/{invoice.number}"
    try:
        document = as_issued(renderable(invoice, credited))
    except IssuerNotConfigured:
        return [(f"{stem}.json", content.document_content(invoice, credited))]
    xml = content.document_content(invoice, credited)
    return [(f"{stem}.xml", xml), (f"{stem}.pdf", render_pdf(document, xml))]


def _add(archive: zipfile.ZipFile, sums: IO[bytes], name: str, data: bytes) -> None:
    stored = name.endswith(".pdf")  # already compressed
    archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    sums.write(f"{sha256_hex(data)}  {name}\n".encode())


def _record_json(record: JournalRecord) -> dict[str, object]:
    return {
        "seq": record.seq, "at": rfc3339(record.at), "kind": record.kind, "object_id": record.object_id,
        "content_hash": record.content_hash, "prev_hash": record.prev_hash, "hash": record.hash,
    }  # fmt: skip


def _index_row(
    invoice: Invoice, files: list[tuple[str, bytes]], record: JournalRecord | None
) -> Iterator[object]:
    yield from (invoice.id, invoice.number, invoice.kind, invoice.payer_id, invoice.currency)
    yield from (f"{invoice.total:.2f}", rfc3339(invoice.issued_at), files[0][0])
    yield from (files[1][0] if len(files) > 1 else "", record.seq if record else "")
