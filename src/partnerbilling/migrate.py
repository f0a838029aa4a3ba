"""Apply the Alembic migrations: the only way the schema changes."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

_HERE = Path(__file__).resolve()


def alembic_config() -> Config:
    """The project's Alembic configuration (next to the source tree, or in the working folder)."""
    for base in (_HERE.parents[2], Path.cwd()):
        ini = base / "alembic.ini"
        if ini.exists():
            config = Config(str(ini))
            config.attributes["configure_logging"] = False
            return config
    raise FileNotFoundError("alembic.ini not found next to the source tree or in the current folder")


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Apply every pending migration, under an advisory lock so that concurrent starts wait."""
    config = alembic_config()
    async with engine.connect() as conn:
        # The engine's connections autocommit (partnerbilling.db.make_engine); each migration
        # runs in a transaction.
        await conn.execution_options(isolation_level="READ COMMITTED")
        await conn.exec_driver_sql("SELECT pg_advisory_lock(727274)")
        try:

            def run(sync_conn: object) -> None:
                config.attributes["connection"] = sync_conn
                command.upgrade(config, "head")

            await conn.run_sync(run)
            await conn.commit()
        finally:
            await conn.exec_driver_sql("SELECT pg_advisory_unlock(727274)")
            await conn.commit()
