"""journal: the hash-chained journal and its head, the schedules' runs, the new job kinds

Revision ID: a6e5f6a7b8c9
Revises: ab4f5c6d7e8f
Create Date: 2026-12-08 05:00:00.000000+00:00

New tables; the jobs' kinds gain the scheduled ones (close, retention, seal). Objects made
before this revision have no record: the journal starts with the objects made after it, and
``partnerbilling verify`` is meant for a database that had it from the start (README).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "a6e5f6a7b8c9"
down_revision: str | None = "e4c3d4e5f6a7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_OLD_KINDS = "kind IN ('renewals', 'dunning')"
_NEW_KINDS = "kind IN ('renewals', 'dunning', 'close', 'retention', 'seal')"


def upgrade() -> None:
    op.create_table(
        "journal",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("object_id", sa.String(40), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("snapshot", postgresql.JSONB(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_journal")),
    )
    op.create_index("uq_journal_kind_object", "journal", ["kind", "object_id"], unique=True)
    op.create_index("ix_journal_at", "journal", ["at"])
    op.create_table(
        "journal_head",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_journal_head_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_head")),
    )
    op.execute("INSERT INTO journal_head (id, seq, hash) VALUES (1, 0, repeat('0', 64))")
    op.create_table(
        "schedule_runs",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("scheduled_at", _TS, nullable=False),
        sa.Column("job_id", sa.String(40), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("name", "scheduled_at", name=op.f("pk_schedule_runs")),
    )
    op.drop_constraint(op.f("ck_jobs_kind"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_kind"), "jobs", _NEW_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM jobs WHERE kind NOT IN ('renewals', 'dunning')")
    op.drop_constraint(op.f("ck_jobs_kind"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_kind"), "jobs", _OLD_KINDS)
    op.drop_table("schedule_runs")
    op.drop_table("journal_head")
    op.drop_index("ix_journal_at", table_name="journal")
    op.drop_index("uq_journal_kind_object", table_name="journal")
    op.drop_table("journal")
