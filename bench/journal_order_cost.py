"""What the journal adds to ``POST /v1/orders``: the order's transaction in process (the app
called through ASGI, no network), orders placed one after another, in alternating blocks with
the journal on and off (its appends replaced by a no-op), so that a busy machine affects both.

    .venv/bin/python bench/journal_order_cost.py [orders per side, default 300]

Each order issues an invoice (its XML rendered for its content hash, the issuer configured) and
journals it; ledger entries and payments are not part of an order.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH.parent / "src"))

from harness import drop_database, log, migrate, open_database  # noqa: E402
from tests.profiles.helpers import put_issuer  # noqa: E402
from tests.support import ADMIN_TOKEN, Api, build_world  # noqa: E402

from partnerbilling.accounts import repository as accounts  # noqa: E402
from partnerbilling.app import create_app  # noqa: E402
from partnerbilling.db import make_engine  # noqa: E402
from partnerbilling.invoices import repository as invoices  # noqa: E402
from partnerbilling.payments import repository as payments  # noqa: E402
from partnerbilling.payouts import repository as payouts  # noqa: E402
from partnerbilling.settings import Settings  # noqa: E402

BLOCK = 25
HOOKED = (invoices, accounts, payments, payouts)


async def _off(*_: object) -> None:
    return None


async def _measure(url: str, per_side: int) -> None:
    settings = Settings(
        database_url=url, admin_token=ADMIN_TOKEN, schedule_seal="", schedule_retention="", db_pool_size=3
    )
    engine = make_engine(url, settings)
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    appends = {module: module.journal for module in HOOKED}
    times: dict[bool, list[float]] = {True: [], False: []}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://b") as client,
    ):
        api = Api(client)
        await put_issuer(api)
        w = await build_world(api)
        body = {"customer_id": w.acme.id, "sku": "domain-ch", "quantity": 1}
        for _ in range(BLOCK):  # warm up
            await api.call(w.agency, "POST", "/v1/orders", json=body)
        while len(times[False]) < per_side:
            for on in (True, False):
                for module in HOOKED:
                    module.journal = appends[module] if on else _off  # type: ignore[attr-defined]
                for _ in range(BLOCK):
                    started = time.perf_counter()
                    response = await api.call(w.agency, "POST", "/v1/orders", json=body)
                    times[on].append(time.perf_counter() - started)
                    assert response.status_code == 201, response.text
    await engine.dispose()
    for on in (False, True):
        ms = [t * 1000 for t in times[on]]
        label = "journal on " if on else "journal off"
        mean, median = statistics.mean(ms), statistics.median(ms)
        log(f"{label}: {len(ms)} orders, mean {mean:.2f} ms, median {median:.2f} ms")
    ratio = statistics.median(times[True]) / statistics.median(times[False])
    log(f"median with the journal / without: x{ratio:.2f}")


def main() -> int:
    counts = [a for a in sys.argv[1:] if a.isdigit()]
    per_side = int(counts[0]) if counts else 300
    os.environ.pop("PARTNERBILLING_DATABASE_URL", None)
    db = open_database("pb_bench_journal_order")
    try:
        migrate(db)
        asyncio.run(_measure(db.url, per_side))
    finally:
        drop_database(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
