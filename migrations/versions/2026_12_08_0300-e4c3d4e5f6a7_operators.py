"""operators: operator keys with a role, and the audit trail of admin writes

Revision ID: e4c3d4e5f6a7
Revises: ab4f5c6d7e8f
Create Date: 2026-12-08 03:00:00.000000+00:00

Two new tables; nothing existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e4c3d4e5f6a7"
down_revision: str | None = "d3b2c3d4e5f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "operator_keys",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'finance', 'support', 'readonly')", name=op.f("ck_operator_keys_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_operator_keys_key_hash")),
    )
    op.create_index("ix_operator_keys_created", "operator_keys", ["created_at", "id"])
    op.create_table(
        "audit_records",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("operator_id", sa.String(40), nullable=False),
        sa.Column("operator_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("route", sa.String(200), nullable=False),
        sa.Column("object_id", sa.String(200), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_records")),
    )
    op.create_index("ix_audit_records_at", "audit_records", ["at", "id"])
    op.create_index("ix_audit_records_operator_at", "audit_records", ["operator_id", "at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_records_operator_at", table_name="audit_records")
    op.drop_index("ix_audit_records_at", table_name="audit_records")
    op.drop_table("audit_records")
    op.drop_index("ix_operator_keys_created", table_name="operator_keys")
    op.drop_table("operator_keys")
