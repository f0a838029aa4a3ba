from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base
from partnerbilling.jsonio import JSON


class Job(Base):
    """A run the API asked for and a worker executes; leased while it runs, so that another
    worker resumes it when the one running it is gone."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('renewals', 'dunning', 'close')", name="kind"),
        CheckConstraint("status IN ('queued', 'running', 'completed', 'failed')", name="status"),
        Index("ix_jobs_created", "created_at", "id"),
        # One job of each kind at a time: a second request joins it or is refused.
        Index(
            "uq_jobs_active_kind",
            "kind",
            unique=True,
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[datetime]
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The lease of the worker running it, and how many workers took it (the lease's token: a
    # worker that lost its lease can no longer write).
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int]
    progress_done: Mapped[int]
    progress_total: Mapped[int | None]
    # The run's report, as the request would have answered it; partial while it runs.
    report: Mapped[JSON | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
