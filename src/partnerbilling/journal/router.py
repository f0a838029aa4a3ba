"""HTTP: the journal and the archive (the platform's only)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BeforeValidator

from partnerbilling.errors import ValidationFailed
from partnerbilling.issuer.repository import zone as issuer_time_zone
from partnerbilling.journal.archive import archive_chunks
from partnerbilling.journal.listing import list_records
from partnerbilling.journal.schemas import JournalList
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.web_auth import Platform
from partnerbilling.web_export import Engine, _date
from partnerbilling.web_json import JsonResponse

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])


@admin.get("/journal", response_model=JournalList, summary="List the journal", operation_id="listJournal")
async def list_journal(
    conn: Conn,
    after: Annotated[
        int, Query(ge=0, le=2**62, description="Records after this `seq` (0: from the first).")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many records.")] = 20,
) -> Response:
    """The journal's records, oldest first: each issued document, ledger entry, payment and
    payout, and each payout's state change, chained by their hashes (README, "Journal and
    archive"). Pass `next_cursor` as `after` for the next page."""
    return JsonResponse(await list_records(conn, after, limit))


_Day = Annotated[date, BeforeValidator(_date)]


async def _days(
    first_day: Annotated[
        _Day, Query(alias="from", description="The first issue day included, `YYYY-MM-DD`.")
    ],
    to: Annotated[_Day, Query(description="The first issue day no longer included, `YYYY-MM-DD`.")],
) -> tuple[date, date]:
    if first_day > to:
        msg = "must not be after `to`"
        raise ValidationFailed(f"query.from: {msg}", errors=[{"loc": ["query", "from"], "msg": msg}])
    return first_day, to


@admin.get(
    "/archive",
    response_class=Response,
    summary="Download the archive of a period",
    operation_id="getArchive",
    responses={
        200: {
            "description": "A ZIP: `documents/<number>.pdf` and `.xml` of every document issued in "
            "[`from`, `to`) (days in the issuer's time zone), `journal.jsonl` (their journal records), "
            "`index.csv`, and `SHA256SUMS` over every other file. `partnerbilling verify-archive FILE` "
            "checks one offline.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def get_archive(
    conn: Conn, engine: Engine, days: Annotated[tuple[date, date], Depends(_days)]
) -> StreamingResponse:
    """Every document issued in the period, as issued, with what proves it, streamed."""
    zone = await issuer_time_zone(conn)
    start, end = (datetime.combine(day, time(), zone) for day in days)
    name = f"archive-{days[0].isoformat()}-{days[1].isoformat()}.zip"
    return StreamingResponse(
        archive_chunks(engine, start, end),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
