from __future__ import annotations

from pydantic import BaseModel, Field

from partnerbilling.dunning.schemas import DunningRunResult
from partnerbilling.jobs.domain import JobKind, JobStatus
from partnerbilling.journal.schemas import JournalSeal
from partnerbilling.renewals.schemas import RenewalRunResult
from partnerbilling.schedules.schemas import CloseReport, RetentionReport


class JobProgress(BaseModel):
    done: int = Field(description="Subscriptions (or invoices) handled so far.")
    total: int | None = Field(
        description="How many were due when the job started (null until a worker started it)."
    )


class JobRead(BaseModel):
    id: str = Field(examples=["job_01jdq7x2m4c8n9p0r1s2t3v4w5"])
    kind: JobKind = Field(
        description="`renewals` (POST /v1/admin/renewals/run) or `dunning`; `close`, `retention` and "
        "`seal` are started by their schedules (GET /v1/admin/schedules)."
    )
    status: JobStatus = Field(
        description="`queued` until a worker takes it, `running`, then `completed` or `failed`."
    )
    as_of: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    progress: JobProgress
    report: RenewalRunResult | DunningRunResult | RetentionReport | JournalSeal | CloseReport | None = Field(
        description="The run's report, as the run's request answers it when it waits long enough: "
        "complete once the job is `completed`, partial while it runs (saved at each batch)."
    )
    error: str | None = Field(description="Why a `failed` job failed.")


class JobList(BaseModel):
    data: list[JobRead]
    next_cursor: str | None
