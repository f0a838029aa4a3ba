"""The web side of the CSV exports (SPEC §12): the ``?from=&to=`` period, the streamed answer,
and its OpenAPI description (a ``text/csv`` response listing its columns)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BeforeValidator
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import utcnow
from partnerbilling.exports import Period, period_of
from partnerbilling.jsonio import JSON

CSV = "text/csv; charset=utf-8"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: object) -> object:
    """An RFC 3339 full date (``2026-01-31``) only: no time, week or ordinal forms, no numbers."""
    if isinstance(value, str):
        if not _DATE.fullmatch(value):
            raise ValueError("must be an RFC 3339 date, e.g. 2026-01-01")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("must be a real calendar date, e.g. 2026-01-01") from None
    return value


# The validator after Query: before it, FastAPI would not document the parameter as a date.
From = Annotated[
    date | None,
    Query(alias="from", description="The first day (UTC) included, `YYYY-MM-DD`; default: from the first."),
    BeforeValidator(_date),
]
To = Annotated[
    date | None,
    Query(description="The first day (UTC) no longer included, `YYYY-MM-DD`; default: up to now."),
    BeforeValidator(_date),
]


async def _period(first_day: From = None, to: To = None) -> Period:
    return period_of(first_day, to, utcnow())


ExportPeriod = Annotated[Period, Depends(_period)]
"""``?from=&to=``: the half-open period [from, to) of an export, refused (422) if from > to."""


async def _engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


Engine = Annotated[AsyncEngine, Depends(_engine)]
"""The connection pool, for the batches an export reads after its request's transaction."""


def csv_response(chunks: AsyncIterator[bytes], filename: str) -> StreamingResponse:
    """The CSV, sent as it is read, as a download."""
    return StreamingResponse(
        chunks, media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def csv_document(summary: str, columns: Sequence[tuple[str, str]]) -> JSON:
    """The OpenAPI ``200`` of an export: ``text/csv``, its format and each of its columns."""
    listed = "\n".join(f"| `{name}` | {meaning} |" for name, meaning in columns)
    return {
        "description": f"{summary}\n\nUTF-8, RFC 4180 (comma-separated, CRLF line ends, fields "
        "quoted where needed), a header row, then the rows oldest first. Amounts are plain numbers "
        "with two decimals (`-120.00`), rates decimal fractions, dates `YYYY-MM-DD`. A text cell "
        "that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a "
        "carriage return) starts with `'`. Nothing to export: the header row alone.\n\n"
        f"| column | content |\n|---|---|\n{listed}",
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "headers": {
            "Content-Disposition": {
                "description": "`attachment` with the file's name.",
                "schema": {"type": "string"},
            }
        },
    }
