from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from partnerbilling.db import Base


class ScheduleRun(Base):
    """A scheduled time that started its run: the key makes it start once, whatever the number
    of workers that see it due."""

    __tablename__ = "schedule_runs"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    scheduled_at: Mapped[datetime] = mapped_column(primary_key=True)
    job_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
