"""Test fixtures: a real PostgreSQL database per run, migrated by Alembic, emptied per test.

The server is ``PARTNERBILLING_TEST_DATABASE_URL`` when set (CI), else an embedded PostgreSQL.
Each run creates its own fresh database on it, so parallel runs never share state.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.db import EmbeddedPostgres, make_engine, transaction
from partnerbilling.jobs.worker import run_job_worker
from partnerbilling.migrate import upgrade_to_head
from partnerbilling.settings import Settings
from tests.support import ADMIN_TOKEN, Api, connect_plain


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A PostgreSQL server URL (asyncpg dialect) that tests may create databases on."""
    configured = os.environ.get("PARTNERBILLING_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    with tempfile.TemporaryDirectory(prefix="pb-test-") as folder:
        embedded = EmbeddedPostgres(Path(folder))
        url = embedded.start()
        try:
            yield url
        finally:
            embedded.stop()


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    """A fresh database for this run, dropped at the end."""
    name = f"pb_test_{secrets.token_hex(4)}"
    admin = await connect_plain(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        webhook_allow_private_urls=True,
        webhook_retry_schedule=(1, 1, 1),
        # Each test worker (pytest-xdist) holds its own pools on the one server: small ones keep
        # the whole run well inside PostgreSQL's default of 100 connections.
        db_pool_size=5,
        # Tests that time out on purpose set their own; a busy test machine may take more than
        # the default 3 s to open a connection, which is not what any test is about.
        db_connect_timeout=15.0,
        # The renewal and dunning runs are jobs: a worker takes them at once.
        job_poll_interval=0.05,
        # Runs of a few subscriptions: the pause that spares live traffic only slows the suite.
        job_batch_size=50,
        job_batch_pause=0.0,
        # Every request spends a key's budget, as in production, but no test reaches it: the
        # fuzzer sends thousands a minute with one key. tests/operators sets small ones.
        rate_limit_per_minute=1_000_000,
        # The schedules would start runs of their own beside every test; their tests set them.
        schedule_renewals="",
        schedule_dunning="",
        schedule_close="",
        schedule_retention="",
        schedule_seal="",
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    assert settings.database_url
    engine = make_engine(settings.database_url, settings)
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def table_names(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version'"
            )
        )
        return [row[0] for row in result]


@pytest.fixture
async def db(engine: AsyncEngine, table_names: list[str]) -> AsyncEngine:
    """The test database, emptied before the test."""
    async with transaction(engine) as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(table_names)} RESTART IDENTITY CASCADE"))
    return engine


@pytest.fixture
async def api(db: AsyncEngine, settings: Settings) -> AsyncIterator[Api]:
    """The application on an empty database, called in process, with a job worker beside it
    (as ``serve`` runs one) for the renewal and dunning runs; webhooks and mail are delivered
    by the tests that want them."""
    app = create_app(settings, engine=db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        running_jobs(db, settings),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield Api(client)


@asynccontextmanager
async def running_jobs(engine: AsyncEngine, settings: Settings) -> AsyncIterator[None]:
    """A job worker for the block's duration."""
    stop = asyncio.Event()
    worker = asyncio.create_task(run_job_worker(engine, settings, stop))
    try:
        yield
    finally:
        stop.set()
        await worker
