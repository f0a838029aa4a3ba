"""A check for the worker's hot paths: nothing but statements compiled at import runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling import sql


@contextmanager
def only_precompiled(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records every statement SQLAlchemy executes and every statement compiled meanwhile."""
    seen: list[str] = []

    def executed(*args: Any) -> None:
        seen.append(f"executed by SQLAlchemy: {args[2]}")

    def compiled(self: sql.Statement, stmt: Any, column_keys: list[str] | None = None) -> None:
        seen.append(f"compiled per call: {stmt}")
        original(self, stmt, column_keys)

    original = sql.Statement.__init__
    event.listen(engine.sync_engine, "before_cursor_execute", executed)
    monkeypatch.setattr(sql.Statement, "__init__", compiled)
    try:
        yield seen
    finally:
        monkeypatch.undo()
        event.remove(engine.sync_engine, "before_cursor_execute", executed)
