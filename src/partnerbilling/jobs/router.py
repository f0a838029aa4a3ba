"""HTTP: the platform's jobs, and the answer of a request that starts one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from partnerbilling.jobs import service
from partnerbilling.jobs.domain import JobKind
from partnerbilling.jobs.schemas import JobList, JobRead
from partnerbilling.openapi import problems
from partnerbilling.settings import Settings
from partnerbilling.unit_of_work import Conn, TransactionalRoute
from partnerbilling.visibility.jobs import job_view
from partnerbilling.web_auth import Platform
from partnerbilling.web_json import JsonResponse
from partnerbilling.web_params import Page

admin = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=TransactionalRoute, dependencies=[Platform])

JobId = Annotated[str, Path(max_length=40, description="A job id.")]

# What a run's operation answers besides its report (OpenAPI).
RUN_RESPONSES = {
    202: {
        "model": JobRead,
        "description": "The run takes longer than `PARTNERBILLING_JOB_WAIT_SECONDS`: it goes on as "
        "a job; follow it at `Location` (`GET /v1/admin/jobs/{job_id}`).",
        "headers": {"Location": {"description": "The job's URL.", "schema": {"type": "string"}}},
    },
    **problems(
        service.JobRunning("A renewals job (job_01…) is running for as_of 2027-01-01T00:00:00.000000Z."),
        service.JobFailed("The job job_01… failed: internal_error. See GET /v1/admin/jobs/job_01…."),
    ),
}


async def run_as_job(request: Request, conn: Conn, kind: JobKind, as_of: datetime) -> Response:
    """Start the run as a job (or join the one running for the same ``as_of``) and wait for it
    up to ``job_wait_seconds``: its report (200) if it is done by then, else the job (202)."""
    settings: Settings = request.app.state.settings
    job = await service.start_job(request.app.state.engine, kind, as_of)
    job = await service.wait_for_job(conn, job, settings.job_wait_seconds)
    report = service.finished_report(job)
    if report is not None:
        return JsonResponse(report)
    return JsonResponse(job_view(job), status_code=202, headers={"Location": f"/v1/admin/jobs/{job.id}"})


@admin.get("/jobs", response_model=JobList, summary="List the jobs", operation_id="listJobs")
async def list_jobs(
    conn: Conn,
    page: Page,
    kind: Annotated[JobKind | None, Query(description="Only jobs of this kind.")] = None,
) -> Response:
    """The renewal and dunning runs executed as jobs, newest first."""
    return JsonResponse(await service.list_jobs(conn, page, kind))


@admin.get("/jobs/{job_id}", response_model=JobRead, summary="Get a job", operation_id="getJob")
async def get_job(conn: Conn, job_id: JobId) -> Response:
    """A job: its status, its progress and, once it completed, its report (the one its run's
    request answers with when it waits long enough)."""
    return JsonResponse(job_view(await service.get_job(conn, job_id)))
