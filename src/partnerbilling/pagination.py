"""Cursor pagination, newest first, keyset on ``(created_at, id)``: the query building and the
cursors, for repositories and services. The ``?limit=&cursor=`` parameters are read by the web
layer (:mod:`partnerbilling.web_params`)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Integer, bindparam, tuple_

from partnerbilling.errors import ValidationFailed
from partnerbilling.fields import checked_time
from partnerbilling.jsonio import JSON
from partnerbilling.sql import Connection, Into, Statement, T


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    after: tuple[datetime, str] | None


def encode_cursor(created_at: datetime, row_id: str) -> str:
    raw = f"{created_at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, row_id = raw.split("|", 1)
        created_at = checked_time(datetime.fromisoformat(stamp))
        if not row_id:
            raise ValueError(cursor)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "The cursor is not valid; pass the next_cursor of a previous page.",
            errors=[{"loc": ["query", "cursor"], "msg": "invalid cursor"}],
        ) from exc
    return created_at, row_id


def keyset(stmt: Any, created_at: Any, row_id: Any, page: PageParams) -> Any:
    """Order newest first and continue after the cursor; fetches one row more than the page."""
    if page.after is not None:
        stmt = stmt.where(_older_than(created_at, row_id, *page.after))
    return _newest_first(stmt, created_at, row_id, page.limit + 1)


def _newest_first(stmt: Any, created_at: Any, row_id: Any, limit: Any) -> Any:
    return stmt.order_by(created_at.desc(), row_id.desc()).limit(limit)


def _older_than(created_at: Any, row_id: Any, cursor_at: Any, cursor_id: Any) -> Any:
    return tuple_(created_at, row_id) < tuple_(cursor_at, cursor_id)


class KeysetQuery:
    """:func:`keyset` precompiled (see :mod:`partnerbilling.sql`) for a list that every client
    polls: the first page, and the pages after a cursor. The statement's own parameters are
    passed to :meth:`rows` by name."""

    def __init__(self, stmt: Any, created_at: Any, row_id: Any) -> None:
        ordered = _newest_first(stmt, created_at, row_id, bindparam("limit", type_=Integer))
        cursor = (
            bindparam("after_created_at", type_=created_at.type),
            bindparam("after_id", type_=row_id.type),
        )
        self.first = Statement(ordered)
        self.after = Statement(ordered.where(_older_than(created_at, row_id, *cursor)))

    async def rows(self, conn: Connection, values: JSON, page: PageParams, into: Into[T]) -> list[T]:
        if page.after is None:
            return await self.first.rows(conn, {**values, "limit": page.limit + 1}, into)
        at, row_id = page.after
        values = {**values, "limit": page.limit + 1, "after_created_at": at, "after_id": row_id}
        return await self.after.rows(conn, values, into)


class Batches:
    """The other direction, for a file read in batches (the CSV exports): oldest first, the rows
    created after a ``(created_at, id)`` key and before ``end``, precompiled. The statement's own
    parameters are passed to :meth:`rows` by name."""

    def __init__(self, stmt: Any, created_at: Any, row_id: Any) -> None:
        after = tuple_(bindparam("after_created_at", type_=created_at.type), bindparam("after_id"))
        self.statement = Statement(
            stmt.where(tuple_(created_at, row_id) > after, created_at < bindparam("end"))
            .order_by(created_at, row_id)
            .limit(bindparam("limit", type_=Integer))
        )

    async def rows(
        self,
        conn: Connection,
        values: JSON,
        end: datetime,
        after: tuple[datetime, str],
        limit: int,
        into: Into[T],
    ) -> list[T]:
        """Up to ``limit`` rows created after the key ``after`` and before ``end``, oldest first."""
        batch = {**values, "after_created_at": after[0], "after_id": after[1], "end": end, "limit": limit}
        return await self.statement.rows(conn, batch, into)


class Keyed(Protocol):
    """A row of a keyset page: ordered by its creation time, then its id."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> str: ...


K = TypeVar("K", bound=Keyed)


def page_of(rows: Sequence[K], page: PageParams, render: Callable[[K], JSON | None]) -> JSON:
    """The ``{data, next_cursor}`` document for rows fetched with :func:`keyset`."""
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    data = [item for item in (render(row) for row in rows) if item is not None]
    next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None
    return {"data": data, "next_cursor": next_cursor}


__all__ = ["Batches", "KeysetQuery", "PageParams", "decode_cursor", "encode_cursor", "keyset", "page_of"]
