"""Statement parity: run the same requests in-process through the service and through the raw
reference, record every SQL statement each sends, and compare the two sequences.

The reference is only a fair yardstick while it issues the service's statements; when the
service's SQL changes, this check says so (and ``bench/raw_reference.py`` must follow).
Run on its own: ``python bench/trace_sql.py`` (with ``PARTNERBILLING_DATABASE_URL`` pointing at a
seeded benchmark database); ``bench/run.py`` runs it before measuring.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import raw_reference
import seed


def _norm(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


@dataclass
class Trace:
    status: int = 0
    statements: list[str] = field(default_factory=list)


class _Recorder:
    """The statements of the request being traced, normalised, without BEGIN/COMMIT/ROLLBACK
    (both apps open and close their transactions alike)."""

    def __init__(self) -> None:
        self.current: list[str] = []

    def add(self, statement: str) -> None:
        statement = _norm(statement)
        if statement.rstrip(";").upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            self.current.append(statement)

    def log_query(self, query: object) -> None:
        """An asyncpg query logger."""
        self.add(getattr(query, "query", ""))

    async def replay(
        self, client: httpx.AsyncClient, requests: list[tuple[str, str, dict[str, str], bytes]]
    ) -> list[Trace]:
        """Send the requests twice (the first pass fills caches and type introspection); the
        second pass's statements, request by request."""
        traces = []
        for warm in (True, False):
            for method, path, headers, body in requests:
                self.current.clear()
                response = await client.request(method, path, headers=headers, content=body)
                if not warm:
                    traces.append(Trace(response.status_code, list(self.current)))
        return traces


async def _service_traces(requests: list[tuple[str, str, dict[str, str], bytes]]) -> list[Trace]:
    from sqlalchemy import event

    from partnerbilling import driver_pool
    from partnerbilling.app import create_app
    from partnerbilling.db import make_engine
    from partnerbilling.settings import Settings

    settings = Settings()
    assert settings.database_url
    engine = make_engine(settings.database_url, settings)
    recorder = _Recorder()

    # Statements reach PostgreSQL two ways: through SQLAlchemy, and precompiled on the driver
    # (partnerbilling.sql), which asyncpg's query logger sees. The logger reports through
    # loop.call_soon, so the SQLAlchemy ones are queued the same way to keep one order.
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _record(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        asyncio.get_running_loop().call_soon(recorder.add, statement)

    @event.listens_for(engine.sync_engine, "connect")
    def _log_driver(_dbapi_connection, record):  # type: ignore[no-untyped-def]
        record.driver_connection.add_query_logger(recorder.log_query)

    async def _log_request_driver(conn):  # type: ignore[no-untyped-def]
        conn.add_query_logger(recorder.log_query)

    # The requests' connections (partnerbilling.driver_pool).
    driver_pool.on_connect(engine, _log_request_driver)
    app = create_app(settings, engine=engine)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
            return await recorder.replay(client, requests)
    finally:
        await engine.dispose()


async def _reference_traces(requests: list[tuple[str, str, dict[str, str], bytes]]) -> list[Trace]:
    recorder = _Recorder()
    os.environ.setdefault("PARTNERBILLING_DB_POOL_SIZE", "2")
    app = raw_reference.create_app(query_logger=recorder.log_query)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ref") as client:
            return await recorder.replay(client, requests)


def sample_requests() -> list[tuple[str, str, dict[str, str], bytes]]:
    """A GET of the small payer's first page, and orders covering every kind the load sends:
    partner-initiated (both billing modes), direct in a partnership, direct without one."""
    calls = seed.order_calls()
    picked: dict[tuple[bool, object, str], seed.OrderCall] = {}
    for call in calls:
        customer = int(call.customer_id[5:])
        caller_is_customer = call.key == seed.key_for(customer)
        picked.setdefault((caller_is_customer, seed.terms_of(customer), call.sku), call)
    requests = [
        (
            "GET",
            "/v1/invoices?limit=50",
            {"Authorization": f"Bearer {seed.key_for(seed.SMALL_PAYER)}"},
            b"",
        )
    ]
    for call in picked.values():
        body = f'{{"customer_id": "{call.customer_id}", "sku": "{call.sku}", "quantity": {call.quantity}}}'
        requests.append(
            (
                "POST",
                "/v1/orders",
                {"Authorization": f"Bearer {call.key}", "Content-Type": "application/json"},
                body.encode(),
            )
        )
    return requests


async def compare() -> tuple[bool, list[str]]:
    """``(same, report lines)`` for the sample requests."""
    requests = sample_requests()
    service = await _service_traces(requests)
    reference = await _reference_traces(requests)
    same = True
    lines = []
    for (method, path, _, body), s, r in zip(requests, service, reference, strict=True):
        what = f"{method} {path} {body.decode()[:60]}"
        if s.status != r.status or s.statements != r.statements:
            same = False
            lines.append(
                f"DIFFERENT  {what}: service {s.status}, {len(s.statements)} statements; "
                f"reference {r.status}, {len(r.statements)} statements"
            )
            for i in range(max(len(s.statements), len(r.statements))):
                a = s.statements[i] if i < len(s.statements) else "-"
                b = r.statements[i] if i < len(r.statements) else "-"
                if a != b:
                    lines.append(f"    #{i + 1} service:   {a[:160]}")
                    lines.append(f"    #{i + 1} reference: {b[:160]}")
        else:
            lines.append(f"same       {what}: {s.status}, {len(s.statements)} statements + BEGIN/COMMIT")
    return same, lines


def main() -> int:
    same, lines = asyncio.run(compare())
    print("\n".join(lines))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
