from __future__ import annotations

from pydantic import BaseModel, Field


class ScheduleRead(BaseModel):
    name: str = Field(description="`renewals`, `dunning`, `close`, `retention` or `seal`.")
    cron: str | None = Field(description="The cron expression (its setting); null: disabled.")
    enabled: bool
    time_zone: str = Field(description="The zone the expression is read in: the issuer's.")
    job_kind: str = Field(description="The kind of the job each run is (GET /v1/admin/jobs?kind=).")
    last_run_at: str | None = Field(description="The latest scheduled time that started its run.")
    next_run_at: str | None = Field(description="The next scheduled time (null: disabled).")


class ScheduleList(BaseModel):
    data: list[ScheduleRead]


class RetentionReport(BaseModel):
    as_of: str
    webhook_deliveries: int = Field(description="Finished deliveries deleted, with their attempts.")
    mail_bodies: int = Field(description="Sent e-mails whose body was emptied.")
    event_payloads: int = Field(description="Events whose payload was emptied.")


class CloseReport(BaseModel):
    as_of: str
    closed: int = Field(description="Always 0: the monthly close is not there yet.")
