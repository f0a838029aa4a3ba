"""The view of a job (the platform's only)."""

from __future__ import annotations

from partnerbilling.jobs.domain import Job
from partnerbilling.jsonio import JSON
from partnerbilling.visibility.base import rfc3339


def job_view(job: Job) -> JSON:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "as_of": rfc3339(job.as_of),
        "created_at": rfc3339(job.created_at),
        "started_at": rfc3339(job.started_at),
        "finished_at": rfc3339(job.finished_at),
        "progress": {"done": job.progress_done, "total": job.progress_total},
        "report": job.report,
        "error": job.error,
    }
